-- Every change to what a plan page shows bumps the plan's revision, in the same
-- transaction, so a cached plan can be checked with one primary-key read and can never
-- be served stale, whichever process (or `wsoa serve` instance) made the change.
-- Triggers rather than code in each write path: no write can forget it.
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

create trigger plan_bumps_revision after insert or update or delete on plan
for each row execute function bump_plan_revision('plan');

create trigger person_bumps_revision after insert or update or delete on person
for each row execute function bump_plan_revision('plan');

create trigger area_bumps_revision after insert or update or delete on area
for each row execute function bump_plan_revision('plan');

create trigger action_bumps_revision after insert or update or delete on action
for each row execute function bump_plan_revision('plan');

create trigger glossary_entry_bumps_revision after insert or update or delete on glossary_entry
for each row execute function bump_plan_revision('plan');

create trigger plan_setting_bumps_revision after insert or update or delete on plan_setting
for each row execute function bump_plan_revision('plan');

create trigger kpi_bumps_revision after insert or update or delete on kpi
for each row execute function bump_plan_revision('plan');

create trigger quote_bumps_revision after insert or update or delete on quote
for each row execute function bump_plan_revision('plan');

create trigger you_said_we_did_bumps_revision after insert or update or delete on you_said_we_did
for each row execute function bump_plan_revision('plan');

create trigger board_bumps_revision after insert or update or delete on board
for each row execute function bump_plan_revision('plan');

create trigger meeting_bumps_revision after insert or update or delete on meeting
for each row execute function bump_plan_revision('plan');

create trigger timeline_event_bumps_revision after insert or update or delete on timeline_event
for each row execute function bump_plan_revision('plan');

create trigger cycle_bumps_revision after insert or update or delete on cycle
for each row execute function bump_plan_revision('plan');

create trigger objective_bumps_revision after insert or update or delete on objective
for each row execute function bump_plan_revision('area');

create trigger kpi_actual_bumps_revision after insert or update or delete on kpi_actual
for each row execute function bump_plan_revision('kpi');

create trigger action_owner_bumps_revision after insert or update or delete on action_owner
for each row execute function bump_plan_revision('action');

create trigger milestone_bumps_revision after insert or update or delete on milestone
for each row execute function bump_plan_revision('action');

create trigger progress_update_bumps_revision after insert or update or delete on progress_update
for each row execute function bump_plan_revision('action');

create trigger due_change_bumps_revision after insert or update or delete on due_change
for each row execute function bump_plan_revision('action');

create trigger evidence_bumps_revision after insert or update or delete on evidence
for each row execute function bump_plan_revision('action');

create trigger cycle_snapshot_bumps_revision after insert or update or delete on cycle_snapshot
for each row execute function bump_plan_revision('action');
