-- The bundled demo is marked as sample data, so every page can say so.
alter table plan add column sample boolean not null default false;
