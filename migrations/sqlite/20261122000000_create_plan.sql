-- The plan tree: local area → plan → area of weakness → objective → action → milestone,
-- with people, glossary and the append-only progress history. Same tables and columns as
-- migrations/postgres; JSON values are stored as text in both.

create table local_area (
    local_area_id integer primary key,
    name text not null unique,
    slug text not null unique,
    created_at text not null,
    updated_at text not null
);

create table plan (
    plan_id integer primary key,
    local_area_id integer not null references local_area (local_area_id),
    slug text not null unique,
    title text not null,
    kind text not null,
    status text not null,
    version integer not null,
    document_date text,
    inspection_start text,
    inspection_end text,
    report_published text,
    rating_scheme text not null,
    created_at text not null,
    updated_at text not null
);
create index plan_local_area_id on plan (local_area_id);

create table person (
    person_id integer primary key,
    plan_id integer not null references plan (plan_id) on delete cascade,
    position integer not null,
    initials text,
    name text not null,
    role text,
    organisation text,
    created_at text not null,
    updated_at text not null
);
create index person_plan_id on person (plan_id, position);

create table area (
    area_id integer primary key,
    plan_id integer not null references plan (plan_id) on delete cascade,
    position integer not null,
    number integer not null,
    title text not null,
    heading text,
    sponsor text,
    delivery_partners text not null,
    created_at text not null,
    updated_at text not null,
    unique (plan_id, number)
);

create table objective (
    objective_id integer primary key,
    area_id integer not null references area (area_id) on delete cascade,
    position integer not null,
    number text not null,
    text text not null,
    impact_statements text not null,
    success_measures text not null,
    created_at text not null,
    updated_at text not null
);
create index objective_area_id on objective (area_id, position);

create table action (
    action_id integer primary key,
    plan_id integer not null references plan (plan_id) on delete cascade,
    area_id integer not null references area (area_id) on delete cascade,
    objective_id integer not null references objective (objective_id) on delete cascade,
    position integer not null,
    ref text,
    text text not null,
    due text,
    due_from text,
    -- the last day the deadline covers, so overdue queries compare dates
    due_by text,
    due_text text,
    ratings text not null,
    resource text,
    success_measures text not null,
    notes text not null,
    created_at text not null,
    updated_at text not null,
    unique (area_id, ref)
);
create index action_plan_id on action (plan_id, position);
create index action_objective_id on action (objective_id, position);

create table action_owner (
    action_id integer not null references action (action_id) on delete cascade,
    position integer not null,
    owner_key text not null,
    created_at text not null,
    updated_at text not null,
    primary key (action_id, position)
);

create table milestone (
    milestone_id integer primary key,
    action_id integer not null references action (action_id) on delete cascade,
    position integer not null,
    text text not null,
    due text,
    due_text text,
    done text,
    done_text text,
    created_at text not null,
    updated_at text not null
);
create index milestone_action_id on milestone (action_id, position);

create table progress_update (
    progress_update_id integer primary key,
    action_id integer not null references action (action_id) on delete cascade,
    update_date text not null,
    author text,
    narrative text not null,
    ratings text not null,
    created_at text not null,
    updated_at text not null
);
create index progress_update_action_id on progress_update (action_id, update_date);

-- History is never overwritten: an update, once written, cannot be changed.
create trigger progress_update_append_only
before update on progress_update
begin
    select raise(abort, 'progress updates are append-only');
end;

create table glossary_entry (
    glossary_entry_id integer primary key,
    plan_id integer not null references plan (plan_id) on delete cascade,
    position integer not null,
    term text not null,
    definition text not null,
    created_at text not null,
    updated_at text not null
);
create index glossary_entry_plan_id on glossary_entry (plan_id, position);
