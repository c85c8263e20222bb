-- The audit trail chained by hash: each entry holds the SHA-256 of its own content and of
-- the entry before it (`hash`), so changing, removing or inserting an entry anywhere but
-- at the end breaks every later link, which `wsoa audit verify` reports. Entries written
-- before this migration have no hash and are reported as unchained.
alter table audit_event add column hash text;
