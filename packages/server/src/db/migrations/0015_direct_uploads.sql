-- Direct uploads (apps/api/src/routes/direct-uploads.ts) started but not yet completed: the object a
-- presigned PUT may create in the bucket. Completion removes the row; the API's upload sweep removes
-- expired rows with their objects, so an upload nobody completes leaves nothing in storage.
create table direct_uploads (
  asset_id uuid primary key,
  project_id uuid not null references projects (id) on delete cascade,
  created_by uuid references users (id) on delete set null,
  storage_key text not null,
  expires_at timestamptz not null
);
create index direct_uploads_expires_idx on direct_uploads (expires_at);
