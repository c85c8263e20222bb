-- KPIs: the definition with its baseline, trajectory and benchmarks (edited together,
-- kept as JSON), and the actuals, one row per period, appended one by one or from CSV.

create table kpi (
    kpi_id integer primary key,
    plan_id integer not null references plan (plan_id) on delete cascade,
    position integer not null,
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
    created_at text not null,
    updated_at text not null,
    unique (plan_id, key)
);

create table kpi_actual (
    kpi_actual_id integer primary key,
    kpi_id integer not null references kpi (kpi_id) on delete cascade,
    period text not null,
    -- the period's last day, so actuals sort by date whatever the period type
    period_end text not null,
    value real not null,
    entered_by text,
    entered_on text,
    note text,
    created_at text not null,
    updated_at text not null,
    unique (kpi_id, period)
);
create index kpi_actual_kpi_id on kpi_actual (kpi_id, period_end);
