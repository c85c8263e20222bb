-- A due date is never silently moved: each change keeps the date it replaced, the reason
-- and who approved it. Append-only, like progress updates.
create table due_change (
    due_change_id integer primary key,
    action_id integer not null references action (action_id) on delete cascade,
    changed_on text not null,
    old_due text,
    old_due_text text,
    new_due text not null,
    new_due_text text,
    reason text not null,
    approved_by text not null,
    author text,
    created_at text not null,
    updated_at text not null
);
create index due_change_action_id on due_change (action_id, changed_on);

create trigger due_change_append_only
before update on due_change
begin
    select raise(abort, 'due date changes are append-only');
end;
