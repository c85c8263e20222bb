-- KPIs: the definition with its baseline, trajectory and benchmarks (edited together,
-- kept as JSON), and the actuals, one row per period, appended one by one or from CSV.

create table kpi (
    kpi_id bigint generated always as identity primary key,
    plan_id bigint not null references plan (plan_id) on delete cascade,
    position bigint not null,
    key text not null,
    name text not null,
    unit text not null,
    direction text not null,
    period_type text not null,
    source text,
    owner text,
    objectives text not null,
    baseline text,
    trajectory text not null,
    benchmarks text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (plan_id, key)
);

create table kpi_actual (
    kpi_actual_id bigint generated always as identity primary key,
    kpi_id bigint not null references kpi (kpi_id) on delete cascade,
    period text not null,
    -- the period's last day, so actuals sort by date whatever the period type
    period_end date not null,
    value double precision not null,
    entered_by text,
    entered_on date,
    note text,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (kpi_id, period)
);
create index kpi_actual_kpi_id on kpi_actual (kpi_id, period_end);
