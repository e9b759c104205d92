-- Portrait lessons: identity in Postgres (content lives in the project's Y.Doc under `lessons`),
-- consent records for a likeness, and share links that play a finished lesson without sign-in.

create table lessons (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index lessons_project_idx on lessons (project_id, created_at desc, id desc) where deleted_at is null;

-- Who consented to what, when, with their statement (typed or an uploaded document). Renders name
-- the consent they used (job outputs); a revoked consent blocks new renders and keeps its history.
create table consents (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  kind text not null check (kind in ('portrait', 'voice')),
  subject_name text not null check (length(subject_name) between 1 and 200),
  asset_id uuid not null references assets (id) on delete restrict,
  scope text not null check (length(scope) between 1 and 1000),
  statement_text text check (length(statement_text) <= 10000),
  statement_asset_id uuid references assets (id) on delete restrict,
  recorded_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_by uuid references users (id) on delete set null,
  check ((statement_text is null) <> (statement_asset_id is null))
);
create index consents_project_idx on consents (project_id, created_at desc, id desc);
create index consents_asset_idx on consents (asset_id) where revoked_at is null;

-- A share link: only the SHA-256 of its token is stored; the token is shown once.
create table lesson_shares (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  lesson_id uuid not null references lessons (id) on delete cascade,
  job_id uuid not null references jobs (id) on delete cascade,
  token_sha256 bytea not null unique,
  expires_at timestamptz not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index lesson_shares_lesson_idx on lesson_shares (lesson_id, created_at desc);
