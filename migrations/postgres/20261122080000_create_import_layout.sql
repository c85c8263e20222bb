-- The "check the columns" step of the web import. A preview now keeps the uploaded
-- document, so it can be read again with the roles a person chose for its columns
-- without uploading it again (still trusting nothing the browser sends but the random
-- id: the bytes never leave the server), with the choices in force as `--columns` text,
-- the layout's signature (the sorted normalised headings of its tables, as first read)
-- and the local area whose remembered choices were applied, if any. Previews from before
-- this change have no document and cannot be read again.
alter table pending_import add column document bytea;
alter table pending_import add column columns text not null default '';
alter table pending_import add column layout_signature text not null default '';
alter table pending_import add column remembered_from text;

-- The column choices a local area last stored a plan with, per layout, offered (applied
-- to the preview) on its next import of a document with the same headings. Written when
-- an import is confirmed, audited as `import_layout.saved` and `import_layout.forgotten`;
-- confirming with no choices forgets the layout. `chosen_by` keeps who chose them when
-- the account has gone.
create table import_layout (
    import_layout_id bigint generated always as identity primary key,
    local_area_id bigint not null references local_area (local_area_id) on delete cascade,
    signature text not null,
    columns text not null,
    app_user_id bigint references app_user (app_user_id) on delete set null,
    chosen_by text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (local_area_id, signature)
);
