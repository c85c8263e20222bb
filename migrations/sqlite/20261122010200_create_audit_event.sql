-- The audit trail: who changed what, when, with the state before and after as JSON.
-- Written in the same transaction as the change. No foreign keys, so the trail outlives
-- what it describes; append-only, enforced below.
create table audit_event (
    audit_event_id integer primary key,
    occurred_at text not null,
    actor_user_id integer,
    -- the email of the person, or "system (command line)"
    actor text not null,
    local_area_id integer,
    plan_id integer,
    action_id integer,
    entity text not null,
    entity_id text,
    event text not null,
    before_json text,
    after_json text,
    created_at text not null,
    updated_at text not null
);
create index audit_event_plan_id on audit_event (plan_id, audit_event_id);
create index audit_event_action_id on audit_event (action_id, audit_event_id);

create trigger audit_event_append_only_update
before update on audit_event
begin
    select raise(abort, 'the audit trail is append-only');
end;

create trigger audit_event_append_only_delete
before delete on audit_event
begin
    select raise(abort, 'the audit trail is append-only');
end;
