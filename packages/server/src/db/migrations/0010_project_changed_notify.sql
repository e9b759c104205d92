-- Every change to a project row is announced, so API instances can drop the cached project-list
-- pages that show it (apps/api/src/projects/project-list-cache.ts). Membership changes are already
-- announced on clapboard_member_changed (0001). NOTIFY is transactional: listeners hear it only
-- after the change commits, and a rolled-back change is never announced.
create function notify_project_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('clapboard_project_changed',
    json_build_object('projectId', coalesce(new.id, old.id))::text);
  return null;
end $$;
create trigger projects_notify_changed after insert or update or delete on projects
  for each row execute function notify_project_changed();
