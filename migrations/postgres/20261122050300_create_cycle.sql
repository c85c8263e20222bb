-- Closing a reporting cycle freezes every action's ratings, due date, update count and
-- finished milestones, so "what changed since the last cycle" compares like with like.
create table cycle (
    cycle_id bigint generated always as identity primary key,
    plan_id bigint not null references plan (plan_id) on delete cascade,
    number bigint not null,
    starts_on date not null,
    ends_on date not null,
    closed_by text,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (plan_id, number)
);

create table cycle_snapshot (
    cycle_snapshot_id bigint generated always as identity primary key,
    cycle_id bigint not null references cycle (cycle_id) on delete cascade,
    action_id bigint not null references action (action_id) on delete cascade,
    ratings text not null,
    due text,
    update_count bigint not null,
    milestones_done text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (cycle_id, action_id)
);
