-- Indexes for national scale (150 areas × 250 actions × 60 updates; docs/performance.md,
-- "National scale", has the query plans they were chosen from).

-- The cross-area view counts each plan's actions by rating and deadline from this index
-- alone, never reading the action rows themselves.
create index action_plan_tally on action (plan_id, ratings, due_by);
