-- The audit trail: who changed what, when, with the state before and after as JSON.
-- Written in the same transaction as the change. No foreign keys, so the trail outlives
-- what it describes; append-only, enforced below.
create table audit_event (
    audit_event_id bigint generated always as identity primary key,
    occurred_at timestamptz not null,
    actor_user_id bigint,
    -- the email of the person, or "system (command line)"
    actor text not null,
    local_area_id bigint,
    plan_id bigint,
    action_id bigint,
    entity text not null,
    entity_id text,
    event text not null,
    before_json text,
    after_json text,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index audit_event_plan_id on audit_event (plan_id, audit_event_id);
create index audit_event_action_id on audit_event (action_id, audit_event_id);

create function audit_event_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'the audit trail is append-only';
end;
$$;

create trigger audit_event_append_only
before update or delete on audit_event
for each row execute function audit_event_append_only();
