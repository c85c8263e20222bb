-- A progress update dated inside a reporting cycle that has already closed: allowed only
-- to the plan's editors, and marked so the history and the audit trail say it was
-- entered after the cycle's report was frozen.
alter table progress_update add column late_entry integer not null default 0;
