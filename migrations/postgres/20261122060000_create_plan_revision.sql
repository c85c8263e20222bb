-- Every change to what a plan page shows bumps the plan's revision, in the same
-- transaction, so a cached plan can be checked with one primary-key read and can never
-- be served stale, whichever process (or `wsoa serve` instance) made the change.
-- Triggers rather than code in each write path: no write can forget it. On PostgreSQL
-- they are deferred to commit, so the revision row is locked last and only for the
-- moment of committing: writers never hold it while waiting for another row.
create table plan_revision (
    plan_id bigint primary key,
    revision bigint not null
);

create function bump_plan_revision() returns trigger
language plpgsql as $$
declare
    changed record;
    changed_plan bigint;
begin
    if tg_op = 'DELETE' then
        changed := old;
    else
        changed := new;
    end if;
    case tg_argv[0]
        when 'plan' then changed_plan := changed.plan_id;
        when 'area' then select plan_id into changed_plan from area where area_id = changed.area_id;
        when 'action' then select plan_id into changed_plan from action where action_id = changed.action_id;
        when 'kpi' then select plan_id into changed_plan from kpi where kpi_id = changed.kpi_id;
    end case;
    if changed_plan is not null then
        insert into plan_revision (plan_id, revision) values (changed_plan, 1)
        on conflict (plan_id) do update set revision = plan_revision.revision + 1;
    end if;
    return null;
end;
$$;

create constraint trigger plan_bumps_revision after insert or update or delete on plan
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger person_bumps_revision after insert or update or delete on person
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger area_bumps_revision after insert or update or delete on area
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger action_bumps_revision after insert or update or delete on action
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger glossary_entry_bumps_revision after insert or update or delete on glossary_entry
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger plan_setting_bumps_revision after insert or update or delete on plan_setting
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger kpi_bumps_revision after insert or update or delete on kpi
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger quote_bumps_revision after insert or update or delete on quote
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger you_said_we_did_bumps_revision after insert or update or delete on you_said_we_did
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger board_bumps_revision after insert or update or delete on board
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger meeting_bumps_revision after insert or update or delete on meeting
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger timeline_event_bumps_revision after insert or update or delete on timeline_event
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger cycle_bumps_revision after insert or update or delete on cycle
deferrable initially deferred
for each row execute function bump_plan_revision('plan');

create constraint trigger objective_bumps_revision after insert or update or delete on objective
deferrable initially deferred
for each row execute function bump_plan_revision('area');

create constraint trigger kpi_actual_bumps_revision after insert or update or delete on kpi_actual
deferrable initially deferred
for each row execute function bump_plan_revision('kpi');

create constraint trigger action_owner_bumps_revision after insert or update or delete on action_owner
deferrable initially deferred
for each row execute function bump_plan_revision('action');

create constraint trigger milestone_bumps_revision after insert or update or delete on milestone
deferrable initially deferred
for each row execute function bump_plan_revision('action');

create constraint trigger progress_update_bumps_revision after insert or update or delete on progress_update
deferrable initially deferred
for each row execute function bump_plan_revision('action');

create constraint trigger due_change_bumps_revision after insert or update or delete on due_change
deferrable initially deferred
for each row execute function bump_plan_revision('action');

create constraint trigger evidence_bumps_revision after insert or update or delete on evidence
deferrable initially deferred
for each row execute function bump_plan_revision('action');

create constraint trigger cycle_snapshot_bumps_revision after insert or update or delete on cycle_snapshot
deferrable initially deferred
for each row execute function bump_plan_revision('action');
