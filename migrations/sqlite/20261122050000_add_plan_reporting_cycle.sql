-- Each plan reports on its own cycle (every N weeks from a date); "stale" and the
-- cycles page read it. The start is optional: without one, cycles run from the plan's
-- first closed cycle or its creation.
alter table plan add column cycle_weeks integer not null default 6;
alter table plan add column cycle_start text;
