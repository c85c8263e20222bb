-- Indexes for national scale (150 areas × 250 actions × 60 updates; docs/performance.md,
-- "National scale", has the query plans they were chosen from).

-- The cross-area view counts each plan's actions by rating and deadline from this index
-- alone (an index-only scan), never reading the action rows themselves.
create index action_plan_tally on action (plan_id, ratings, due_by);

-- A plan's action owners, read by an index-only scan per action. With only the primary
-- key, each owner needs a heap fetch, and the planner prefers to read the whole table
-- (a sequential scan of every plan's owners, 12–19 ms at national scale, against 0.5 ms).
create index action_owner_action_id on action_owner (action_id, position) include (owner_key);
