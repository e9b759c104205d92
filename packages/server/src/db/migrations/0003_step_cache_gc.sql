-- Cached step outputs belong to the project that made them and remember when they were last used,
-- so the worker can sweep the ones nobody has reused for a while (and their assets).
-- Keys are now scoped by project, so no existing entry can ever be found again: start empty.
delete from step_outputs;
alter table step_outputs add column project_id uuid not null references projects (id) on delete cascade;
alter table step_outputs add column last_used_at timestamptz not null default now();
create index step_outputs_last_used_at on step_outputs (last_used_at);
