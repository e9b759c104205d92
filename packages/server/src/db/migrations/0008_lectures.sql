-- Lecture highlights: the lecture (its uploaded video) is a row; its analysis and clips are jobs
-- whose results are JSON and media assets named in the jobs' outputs; the team's steering lives
-- in the project's Y.Doc under `highlights`.
create table lectures (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  asset_id uuid not null references assets (id) on delete restrict,
  duration_sec double precision,
  analysis_job_id uuid references jobs (id) on delete set null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index lectures_project_idx on lectures (project_id, created_at desc, id desc) where deleted_at is null;
