-- A manual retry starts a new run of the same job; BullMQ ids and ledger entries carry the run so a
-- retry's steps are queued afresh and charged once per run, while content-addressed outputs are reused.
alter table jobs add column run integer not null default 1 check (run >= 1);
alter table job_steps add column run integer not null default 1;
alter table job_steps drop constraint job_steps_job_id_name_key;
alter table job_steps add constraint job_steps_job_run_name_key unique (job_id, run, name);
alter table jobs add column warnings jsonb not null default '[]'::jsonb;
