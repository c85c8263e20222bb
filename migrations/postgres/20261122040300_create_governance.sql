-- Governance: the boards (who reports to whom, by name; what each monitors) and the
-- meetings held, board meetings and DfE/NHS England monitoring visits, with their
-- decisions, agreed actions and progress measures as JSON.

create table board (
    board_id bigint generated always as identity primary key,
    plan_id bigint not null references plan (plan_id) on delete cascade,
    position bigint not null,
    name text not null,
    chair text,
    members text not null,
    reports_to text,
    cadence text,
    purpose text,
    monitors_areas text not null,
    monitors text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (plan_id, name)
);

create table meeting (
    meeting_id bigint generated always as identity primary key,
    plan_id bigint not null references plan (plan_id) on delete cascade,
    meeting_date date not null,
    kind text not null,
    board text,
    purpose text not null,
    attendees text not null,
    notes text,
    decisions text not null,
    actions_agreed text not null,
    progress_measures text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index meeting_plan_id on meeting (plan_id, meeting_date);
