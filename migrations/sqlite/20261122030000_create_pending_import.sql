-- Imports read and shown in the preview, waiting for someone to confirm them. The plan is
-- kept as the parsed plan JSON, never the uploaded bytes, so confirming trusts nothing the
-- browser sends but the random id. Rows older than a day are deleted by the app. Only the
-- person who previewed an import may see or confirm it; null is the command line.
create table pending_import (
    pending_import_id text primary key,
    app_user_id integer references app_user (app_user_id) on delete cascade,
    file_name text not null,
    format text not null,
    plan_json text not null,
    report_json text not null,
    created_at text not null,
    updated_at text not null
);
create index pending_import_created_at on pending_import (created_at);
create index pending_import_app_user_id on pending_import (app_user_id);
