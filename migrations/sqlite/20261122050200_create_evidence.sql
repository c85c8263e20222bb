-- Evidence attached to a progress update: a file kept in the database (so a backup holds
-- everything) or a link. Files are served back as downloads only.
create table evidence (
    evidence_id integer primary key,
    action_id integer not null references action (action_id) on delete cascade,
    progress_update_id integer not null references progress_update (progress_update_id) on delete cascade,
    file_name text,
    content_type text,
    size_bytes integer,
    content blob,
    link text,
    created_at text not null,
    updated_at text not null
);
create index evidence_action_id on evidence (action_id);
create index evidence_progress_update_id on evidence (progress_update_id);
