-- Closing a reporting cycle freezes every action's ratings, due date, update count and
-- finished milestones, so "what changed since the last cycle" compares like with like.
create table cycle (
    cycle_id integer primary key,
    plan_id integer not null references plan (plan_id) on delete cascade,
    number integer not null,
    starts_on text not null,
    ends_on text not null,
    closed_by text,
    created_at text not null,
    updated_at text not null,
    unique (plan_id, number)
);

create table cycle_snapshot (
    cycle_snapshot_id integer primary key,
    cycle_id integer not null references cycle (cycle_id) on delete cascade,
    action_id integer not null references action (action_id) on delete cascade,
    ratings text not null,
    due text,
    update_count integer not null,
    milestones_done text not null,
    created_at text not null,
    updated_at text not null,
    unique (cycle_id, action_id)
);
