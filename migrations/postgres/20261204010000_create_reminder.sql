-- The reporting cycle's chase. Per plan: how many working days before the open cycle
-- closes owners are reminded (default 5; no row means the defaults) and whether they
-- are followed up on the closing day. Each run is recorded once per plan, cycle and
-- stage, in the transaction that writes its messages, so several instances (or a
-- scheduler and a person running `wsoa remind`) never send one reminder twice.
create table plan_reminder (
    plan_id bigint primary key references plan (plan_id) on delete cascade,
    days_before bigint not null,
    on_closing_day boolean not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create table reminder_run (
    reminder_run_id bigint generated always as identity primary key,
    plan_id bigint not null references plan (plan_id) on delete cascade,
    -- the first day of the cycle it reminded about
    cycle_from date not null,
    -- reminder, closing_day, or manual (`wsoa remind`, never deduplicated)
    stage text not null,
    messages bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create unique index reminder_run_once on reminder_run (plan_id, cycle_from, stage)
    where stage <> 'manual';

-- What each person chooses to receive; no row means everything.
create table mail_preference (
    app_user_id bigint primary key references app_user (app_user_id) on delete cascade,
    reminders boolean not null,
    digests boolean not null,
    board_packs boolean not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

-- One-click opt-out links (List-Unsubscribe), one per message, stored as SHA-256.
create table unsubscribe_link (
    token_hash text primary key,
    app_user_id bigint not null references app_user (app_user_id) on delete cascade,
    -- reminders, digests or board_packs
    topic text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index unsubscribe_link_app_user on unsubscribe_link (app_user_id);
