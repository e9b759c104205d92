-- Every realtime instance that holds a document stores the updates it receives, not only the one
-- that accepted them, so an edit relayed before its accepting instance died is still kept. The
-- same update then arrives from several instances: rows are keyed by (document, SHA-256 of the
-- update) and a second insert of the same bytes is a no-op (`on conflict do nothing`).
alter table doc_updates add column hash bytea generated always as (sha256(update)) stored;
-- Rows stored twice before this migration: keep the oldest (applying an update twice was harmless).
delete from doc_updates d
  using doc_updates e
  where d.doc_id = e.doc_id and d.hash = e.hash and d.id > e.id;
create unique index doc_updates_doc_hash_idx on doc_updates (doc_id, hash);
