-- A transactional outbox for job runs. Every queued run (a new job, or a retry's next run) gets a
-- row here from a trigger, in the same transaction as the job row, whichever statement wrote it.
-- The submitting API adds the run's BullMQ flow right after its commit and clears the row; a
-- dispatcher (packages/server/src/jobs/job-outbox.ts, in every API and worker process on Node)
-- adds the flow of any row left behind (the API died in between, Redis was down, or the API runs
-- where it cannot reach Redis) and clears it. BullMQ node ids are deterministic and the dispatcher
-- checks the root node first, so a run is enqueued once however often it is dispatched.
create table job_outbox (
  job_id uuid not null references jobs (id) on delete cascade,
  run integer not null,
  created_at timestamptz not null default now(),
  -- Dispatch attempts that failed (Redis unreachable…) and the last reason, for operators.
  attempts integer not null default 0,
  last_error text,
  primary key (job_id, run)
);
create index job_outbox_created_idx on job_outbox (created_at);

-- NOTIFY is transactional and deduplicated within a transaction: a batch of jobs wakes the
-- dispatchers once, after the commit.
create function job_outbox_add() returns trigger language plpgsql as $$
begin
  insert into job_outbox (job_id, run) values (new.id, new.run) on conflict do nothing;
  perform pg_notify('clapboard_job_outbox', '');
  return null;
end $$;
create trigger jobs_outbox_queued after insert on jobs
  for each row when (new.status = 'queued') execute function job_outbox_add();
create trigger jobs_outbox_next_run after update of run on jobs
  for each row when (new.status = 'queued' and new.run is distinct from old.run) execute function job_outbox_add();

-- Runs queued before this migration: checked once by the dispatcher (added only if missing).
insert into job_outbox (job_id, run) select id, run from jobs where status = 'queued' on conflict do nothing;
