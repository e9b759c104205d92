-- (project_id, created_at desc) is a prefix of jobs_project_cursor_idx (project_id, created_at desc,
-- id desc), which serves the same lists; one index fewer to write on every submitted job.
drop index if exists jobs_project_idx;
