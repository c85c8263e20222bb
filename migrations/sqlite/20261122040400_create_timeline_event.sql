-- The inspection timeline's recorded events: submissions, evaluations (with their
-- outcome), revisits and monitoring inspections. Deadlines are computed, never stored.

create table timeline_event (
    timeline_event_id integer primary key,
    plan_id integer not null references plan (plan_id) on delete cascade,
    event_date text not null,
    kind text not null,
    outcome text,
    note text,
    created_at text not null,
    updated_at text not null
);
create index timeline_event_plan_id on timeline_event (plan_id, event_date);
