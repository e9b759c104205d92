-- The job service: what each job's plan expected (worker-seconds per step, also the progress
-- weights), and the measured step timings the estimates learn from.
alter table jobs add column estimate jsonb not null default '{"seconds": 0, "steps": []}'::jsonb;
-- Worker-seconds charged so far (the ledger's, kept on the row so lists show estimate vs actual).
alter table jobs add column actual_sec double precision not null default 0;

-- One row per step that actually ran to completion (reused steps did no work and are not here):
-- how much work it held in its job type's unit and how long it took on this deployment's worker.
create table step_timings (
  id bigserial primary key,
  job_type text not null,
  step_kind text not null,
  units double precision not null check (units >= 0),
  seconds double precision not null check (seconds >= 0),
  job_id uuid references jobs (id) on delete set null,
  created_at timestamptz not null default now()
);
create index step_timings_recent_idx on step_timings (job_type, step_kind, id desc);

-- Keyset pages over jobs order by (created_at, id) at full precision.
create index jobs_project_cursor_idx on jobs (project_id, created_at desc, id desc);
create index jobs_project_live_idx on jobs (project_id) where status in ('queued', 'running');
