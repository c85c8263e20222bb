-- Settings a plan carries beyond its tree: the KPI tolerance and the working-day
-- deadlines when they differ from the framework's, and the plan's own extra days off.
-- One row per plan at most; no row means the defaults.

create table plan_setting (
    plan_id integer primary key references plan (plan_id) on delete cascade,
    -- percent of the trajectory's value an actual may fall short and be on trajectory
    kpi_tolerance real,
    -- {"plan_due", "evaluation", "resubmission"} as JSON, or null for the framework's
    working_days text,
    -- JSON list of ISO dates
    extra_bank_holidays text not null,
    created_at text not null,
    updated_at text not null
);
