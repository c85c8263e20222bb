-- Every change to what a plan page shows bumps the plan's revision, in the same
-- transaction, so a cached plan can be checked with one primary-key read and can never
-- be served stale, whichever process (or `wsoa serve` instance) made the change.
-- Triggers rather than code in each write path: no write can forget it.
create table plan_revision (
    plan_id integer primary key,
    revision bigint not null
);

create trigger plan_insert_bumps_revision after insert on plan for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger plan_update_bumps_revision after update on plan for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger plan_delete_bumps_revision after delete on plan for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger person_insert_bumps_revision after insert on person for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger person_update_bumps_revision after update on person for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger person_delete_bumps_revision after delete on person for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger area_insert_bumps_revision after insert on area for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger area_update_bumps_revision after update on area for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger area_delete_bumps_revision after delete on area for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger action_insert_bumps_revision after insert on action for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger action_update_bumps_revision after update on action for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger action_delete_bumps_revision after delete on action for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger glossary_entry_insert_bumps_revision after insert on glossary_entry for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger glossary_entry_update_bumps_revision after update on glossary_entry for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger glossary_entry_delete_bumps_revision after delete on glossary_entry for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger plan_setting_insert_bumps_revision after insert on plan_setting for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger plan_setting_update_bumps_revision after update on plan_setting for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger plan_setting_delete_bumps_revision after delete on plan_setting for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger kpi_insert_bumps_revision after insert on kpi for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger kpi_update_bumps_revision after update on kpi for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger kpi_delete_bumps_revision after delete on kpi for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger quote_insert_bumps_revision after insert on quote for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger quote_update_bumps_revision after update on quote for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger quote_delete_bumps_revision after delete on quote for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger you_said_we_did_insert_bumps_revision after insert on you_said_we_did for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger you_said_we_did_update_bumps_revision after update on you_said_we_did for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger you_said_we_did_delete_bumps_revision after delete on you_said_we_did for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger board_insert_bumps_revision after insert on board for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger board_update_bumps_revision after update on board for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger board_delete_bumps_revision after delete on board for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger meeting_insert_bumps_revision after insert on meeting for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger meeting_update_bumps_revision after update on meeting for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger meeting_delete_bumps_revision after delete on meeting for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger timeline_event_insert_bumps_revision after insert on timeline_event for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger timeline_event_update_bumps_revision after update on timeline_event for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger timeline_event_delete_bumps_revision after delete on timeline_event for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger cycle_insert_bumps_revision after insert on cycle for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger cycle_update_bumps_revision after update on cycle for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select new.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger cycle_delete_bumps_revision after delete on cycle for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select old.plan_id as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger objective_insert_bumps_revision after insert on objective for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from area where area_id = new.area_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger objective_update_bumps_revision after update on objective for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from area where area_id = new.area_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger objective_delete_bumps_revision after delete on objective for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from area where area_id = old.area_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger kpi_actual_insert_bumps_revision after insert on kpi_actual for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from kpi where kpi_id = new.kpi_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger kpi_actual_update_bumps_revision after update on kpi_actual for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from kpi where kpi_id = new.kpi_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger kpi_actual_delete_bumps_revision after delete on kpi_actual for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from kpi where kpi_id = old.kpi_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger action_owner_insert_bumps_revision after insert on action_owner for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger action_owner_update_bumps_revision after update on action_owner for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger action_owner_delete_bumps_revision after delete on action_owner for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = old.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger milestone_insert_bumps_revision after insert on milestone for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger milestone_update_bumps_revision after update on milestone for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger milestone_delete_bumps_revision after delete on milestone for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = old.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger progress_update_insert_bumps_revision after insert on progress_update for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger progress_update_update_bumps_revision after update on progress_update for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger progress_update_delete_bumps_revision after delete on progress_update for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = old.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger due_change_insert_bumps_revision after insert on due_change for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger due_change_update_bumps_revision after update on due_change for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger due_change_delete_bumps_revision after delete on due_change for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = old.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger evidence_insert_bumps_revision after insert on evidence for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger evidence_update_bumps_revision after update on evidence for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger evidence_delete_bumps_revision after delete on evidence for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = old.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger cycle_snapshot_insert_bumps_revision after insert on cycle_snapshot for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger cycle_snapshot_update_bumps_revision after update on cycle_snapshot for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = new.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;

create trigger cycle_snapshot_delete_bumps_revision after delete on cycle_snapshot for each row
begin
    insert into plan_revision (plan_id, revision)
    select p, 1 from (select (select plan_id from action where action_id = old.action_id) as p) where p is not null
    on conflict (plan_id) do update set revision = plan_revision.revision + 1;
end;
