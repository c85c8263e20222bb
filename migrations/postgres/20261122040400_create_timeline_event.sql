-- The inspection timeline's recorded events: submissions, evaluations (with their
-- outcome), revisits and monitoring inspections. Deadlines are computed, never stored.

create table timeline_event (
    timeline_event_id bigint generated always as identity primary key,
    plan_id bigint not null references plan (plan_id) on delete cascade,
    event_date date not null,
    kind text not null,
    outcome text,
    note text,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index timeline_event_plan_id on timeline_event (plan_id, event_date);
