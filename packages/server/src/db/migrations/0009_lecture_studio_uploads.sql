-- Resumable uploads (tus 1.0). An upload is a row while its bytes arrive; each PATCH's bytes are one
-- chunk object in the blob store (any backend: a local folder or S3), listed in `upload_chunks`.
-- The offset only moves by a guarded update that also records the chunk, so two PATCHes racing at
-- the same offset cannot both land. Once complete, the chunks are joined into an ordinary asset.
create table uploads (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  created_by uuid not null references users (id) on delete cascade,
  upload_length bigint not null check (upload_length > 0),
  upload_offset bigint not null default 0 check (upload_offset >= 0 and upload_offset <= upload_length),
  filename text,
  -- Decided from the first bytes (magic numbers), before anything else is kept.
  kind text check (kind in ('image', 'video', 'audio', 'document')),
  mime text,
  status text not null default 'open' check (status in ('open', 'assembling', 'completed')),
  asset_id uuid references assets (id) on delete set null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index uploads_open_by_user_idx on uploads (created_by) where status <> 'completed';
create index uploads_expiry_idx on uploads (expires_at);

create table upload_chunks (
  upload_id uuid not null references uploads (id) on delete cascade,
  start_offset bigint not null check (start_offset >= 0),
  byte_size bigint not null check (byte_size > 0),
  storage_key text not null,
  primary key (upload_id, start_offset)
);
