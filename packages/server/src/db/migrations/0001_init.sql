-- Clapboard schema, first cut. Forward-only: later changes are new files.
-- Money is USD in numeric(14,6) (micro-dollar precision: per-second worker rates are tiny).

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null check (email = lower(email) and length(email) between 3 and 254),
  name text not null check (length(name) between 1 and 100),
  password_hash text not null,
  is_admin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on users (email);

-- Opaque refresh tokens, stored as SHA-256 hashes. Rotated on every use; a family is one login.
-- Reuse of a rotated token revokes the whole family.
create table refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  family_id uuid not null,
  token_hash bytea not null unique,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz,
  revoked_at timestamptz,
  user_agent text,
  ip text
);
create index refresh_tokens_family_idx on refresh_tokens (family_id);
create index refresh_tokens_user_idx on refresh_tokens (user_id);

create table projects (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  settings jsonb not null default '{}'::jsonb,
  require_approval_for_final boolean not null default false,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);

create table project_members (
  project_id uuid not null references projects (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('owner', 'editor', 'reviewer', 'viewer')),
  invited_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (project_id, user_id)
);
-- "my projects" lists by user, newest first.
create index project_members_user_idx on project_members (user_id, project_id);

-- The realtime server listens here to disconnect or downgrade removed/demoted members at once.
create function notify_member_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('clapboard_member_changed', json_build_object(
    'projectId', coalesce(new.project_id, old.project_id),
    'userId', coalesce(new.user_id, old.user_id),
    'role', case when tg_op = 'DELETE' then null else new.role end
  )::text);
  return null;
end $$;
create trigger project_members_notify after insert or update or delete on project_members
  for each row execute function notify_member_change();

create function notify_project_deleted() returns trigger language plpgsql as $$
begin
  if new.deleted_at is not null and old.deleted_at is null then
    perform pg_notify('clapboard_project_deleted', json_build_object('projectId', new.id)::text);
  end if;
  return null;
end $$;
create trigger projects_notify_deleted after update of deleted_at on projects
  for each row execute function notify_project_deleted();

create table assets (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  kind text not null check (kind in ('image', 'video', 'audio', 'document', 'model', 'other')),
  mime text not null,
  byte_size bigint not null check (byte_size >= 0),
  sha256 text not null,
  storage_key text not null unique,
  original_name text,
  width integer,
  height integer,
  duration_sec double precision,
  probe jsonb not null default '{}'::jsonb,
  thumbnail_key text,
  source text not null default 'upload' check (source in ('upload', 'job')),
  job_id uuid,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index assets_project_idx on assets (project_id, created_at desc) where deleted_at is null;
create index assets_sha_idx on assets (project_id, sha256);

-- Yjs: every accepted update is appended; the compactor folds them into the snapshot.
create table doc_updates (
  id bigserial primary key,
  doc_id uuid not null references projects (id) on delete cascade,
  update bytea not null,
  created_at timestamptz not null default now()
);
create index doc_updates_doc_idx on doc_updates (doc_id, id);

create table doc_snapshots (
  doc_id uuid primary key references projects (id) on delete cascade,
  state bytea not null,
  -- highest doc_updates.id folded into state; loading = state + updates with id > this
  last_update_id bigint not null default 0,
  byte_size integer not null,
  updated_at timestamptz not null default now()
);

create table doc_versions (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  state bytea not null,
  source text not null default 'manual' check (source in ('manual', 'render', 'restore', 'import')),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index doc_versions_project_idx on doc_versions (project_id, created_at desc);

create table jobs (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  type text not null,
  status text not null default 'queued' check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
  params jsonb not null default '{}'::jsonb,
  priority integer not null default 10,
  idempotency_key text,
  version_id uuid references doc_versions (id) on delete set null,
  progress jsonb,
  outputs jsonb not null default '[]'::jsonb,
  error text,
  cost_estimate_usd numeric(14, 6) not null default 0,
  cost_actual_usd numeric(14, 6) not null default 0,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  cancel_requested_at timestamptz,
  -- a terminal job has a finish time, a live one does not
  check ((status in ('completed', 'failed', 'cancelled')) = (finished_at is not null))
);
create unique index jobs_idempotency_key on jobs (project_id, idempotency_key) where idempotency_key is not null;
create index jobs_project_idx on jobs (project_id, created_at desc);
create index jobs_creator_idx on jobs (created_by, created_at desc);
create index jobs_live_idx on jobs (status) where status in ('queued', 'running');

create table job_steps (
  id uuid primary key default gen_random_uuid(),
  job_id uuid not null references jobs (id) on delete cascade,
  name text not null,
  status text not null default 'queued' check (status in ('queued', 'running', 'completed', 'failed', 'cancelled', 'reused')),
  cache_key text,
  progress real not null default 0,
  attempts integer not null default 0,
  outputs jsonb not null default '[]'::jsonb,
  error text,
  started_at timestamptz,
  finished_at timestamptz,
  unique (job_id, name)
);

-- Content-addressed step outputs: a step whose cache key exists is skipped ("reused").
create table step_outputs (
  cache_key text primary key,
  step text not null,
  outputs jsonb not null,
  created_at timestamptz not null default now()
);

create table comments (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  parent_id uuid references comments (id) on delete cascade,
  author_id uuid references users (id) on delete set null,
  body text not null check (length(body) between 1 and 10000),
  anchor jsonb not null default '{"kind":"project"}'::jsonb,
  scene_id text,
  resolved_at timestamptz,
  resolved_by uuid references users (id) on delete set null,
  edited_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now()
);
create index comments_project_idx on comments (project_id, created_at);
create index comments_scene_idx on comments (project_id, scene_id) where scene_id is not null;
create index comments_parent_idx on comments (parent_id) where parent_id is not null;

create table approvals (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  scene_id text not null,
  status text not null check (status in ('approved', 'changes_requested')),
  content_hash text not null,
  content jsonb not null,
  note text check (length(note) <= 5000),
  reviewer_id uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
-- the current decision per scene is the newest row
create index approvals_scene_idx on approvals (project_id, scene_id, created_at desc);

create table budgets (
  project_id uuid primary key references projects (id) on delete cascade,
  soft_limit_usd numeric(14, 6) check (soft_limit_usd >= 0),
  hard_limit_usd numeric(14, 6) check (hard_limit_usd >= 0),
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now()
);

-- One row per (job, step): retries do not charge twice.
create table cost_ledger (
  id bigserial primary key,
  project_id uuid not null references projects (id) on delete cascade,
  job_id uuid not null references jobs (id) on delete cascade,
  step text not null,
  resource_class text not null check (resource_class in ('gpu', 'cpu', 'provider')),
  seconds double precision not null default 0,
  amount_usd numeric(14, 6) not null check (amount_usd >= 0),
  created_at timestamptz not null default now(),
  unique (job_id, step)
);
create index cost_ledger_project_idx on cost_ledger (project_id, created_at);

create table notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  project_id uuid references projects (id) on delete cascade,
  kind text not null,
  payload jsonb not null default '{}'::jsonb,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create index notifications_user_idx on notifications (user_id, created_at desc);
create index notifications_unread_idx on notifications (user_id) where read_at is null;

create table audit_log (
  id bigserial primary key,
  project_id uuid references projects (id) on delete set null,
  actor_id uuid references users (id) on delete set null,
  action text not null,
  target_type text,
  target_id text,
  details jsonb not null default '{}'::jsonb,
  ip text,
  created_at timestamptz not null default now()
);
create index audit_log_project_idx on audit_log (project_id, created_at desc);
create index audit_log_actor_idx on audit_log (actor_id, created_at desc);
