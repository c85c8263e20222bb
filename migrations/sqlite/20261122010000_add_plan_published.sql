-- A plan is private to its local area until someone publishes it: only published plans
-- are shown to the public (people who have not signed in) and to other areas' users.
alter table plan add column published integer not null default 0;
