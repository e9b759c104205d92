-- Agencies' organisation data (issue #18): clients → campaigns → projects, with roles inherited
-- downward; client guests; briefs; brand kits (logo, fonts); platform variants and their review;
-- campaign budgets and cost-variance alerts.

-- Roles in order of power. 'guest' is the client's own person: never a project member.
create function role_rank(role text) returns integer language sql immutable parallel safe as $$
  select case role when 'owner' then 4 when 'editor' then 3 when 'reviewer' then 2 when 'viewer' then 1
    when 'guest' then 0 else -1 end
$$;

create table clients (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);

create table client_members (
  client_id uuid not null references clients (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('owner', 'editor', 'reviewer', 'viewer', 'guest')),
  invited_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (client_id, user_id)
);
create index client_members_user_idx on client_members (user_id, client_id);

create table brand_kits (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references clients (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  -- brandKitStyleSchema (packages/shared/src/campaigns.ts), validated by the API
  style jsonb not null default '{}'::jsonb,
  revision integer not null default 1,
  logo_key text,
  logo_format text check (logo_format in ('svg', 'png')),
  logo_width integer,
  logo_height integer,
  logo_bytes integer,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index brand_kits_client_idx on brand_kits (client_id) where deleted_at is null;

create table brand_kit_fonts (
  id uuid primary key default gen_random_uuid(),
  kit_id uuid not null references brand_kits (id) on delete cascade,
  family text not null,
  style text not null,
  format text not null check (format in ('ttf', 'otf', 'woff2')),
  storage_key text not null unique,
  sha256 text not null,
  byte_size integer not null,
  created_at timestamptz not null default now()
);
create index brand_kit_fonts_kit_idx on brand_kit_fonts (kit_id);

create table campaigns (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references clients (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  status text not null default 'active' check (status in ('active', 'paused', 'archived')),
  starts_on date,
  ends_on date,
  brand_kit_id uuid references brand_kits (id) on delete set null,
  require_storyboard_approval boolean not null default true,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index campaigns_client_idx on campaigns (client_id, created_at desc) where deleted_at is null;

create table campaign_members (
  campaign_id uuid not null references campaigns (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('owner', 'editor', 'reviewer', 'viewer')),
  invited_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (campaign_id, user_id)
);
create index campaign_members_user_idx on campaign_members (user_id, campaign_id);

alter table projects add column campaign_id uuid references campaigns (id) on delete set null;
alter table projects add column client_shared boolean not null default false;
create index projects_campaign_idx on projects (campaign_id) where campaign_id is not null;

-- A person's role on a campaign: the higher of their campaign and client roles (a client guest is
-- a guest on every campaign of the client).
create view effective_campaign_roles as
select distinct on (campaign_id, user_id) campaign_id, user_id, role from (
  select cm.campaign_id, cm.user_id, cm.role from campaign_members cm
  union all
  select c.id, km.user_id, km.role from campaigns c join client_members km on km.client_id = c.client_id
) r
order by campaign_id, user_id, role_rank(role) desc;

-- A person's role on a project: the highest of their project, campaign and client roles; a client
-- guest is a guest on the client's projects that are shared with the client, and on no others.
create view effective_project_roles as
select distinct on (project_id, user_id) project_id, user_id, role from (
  select pm.project_id, pm.user_id, pm.role from project_members pm
  union all
  select p.id, cm.user_id, cm.role from projects p join campaign_members cm on cm.campaign_id = p.campaign_id
  union all
  select p.id, km.user_id, km.role
  from projects p join campaigns c on c.id = p.campaign_id and c.deleted_at is null
    join client_members km on km.client_id = c.client_id
  where km.role <> 'guest' or p.client_shared
) r
order by project_id, user_id, role_rank(role) desc;

-- The realtime server drops or downgrades connections on `clapboard_member_changed`: a change of
-- a campaign or client membership, or of a project's campaign or sharing, changes the effective
-- role of everyone beneath, so each affected (project, user) is announced with its new role.
create function notify_inherited_roles(p_projects uuid[], p_users uuid[]) returns void language plpgsql as $$
declare r record;
begin
  for r in
    select p.id as project_id, u.id as user_id, e.role
    from unnest(p_projects) p(id) cross join unnest(p_users) u(id)
    left join effective_project_roles e on e.project_id = p.id and e.user_id = u.id
  loop
    perform pg_notify('clapboard_member_changed', json_build_object(
      'projectId', r.project_id, 'userId', r.user_id, 'role', r.role)::text);
  end loop;
end $$;

create function notify_campaign_member_change() returns trigger language plpgsql as $$
begin
  perform notify_inherited_roles(
    array(select id from projects where campaign_id = coalesce(new.campaign_id, old.campaign_id)),
    array[coalesce(new.user_id, old.user_id)]);
  return null;
end $$;
create trigger campaign_members_notify after insert or update or delete on campaign_members
  for each row execute function notify_campaign_member_change();

create function notify_client_member_change() returns trigger language plpgsql as $$
begin
  perform notify_inherited_roles(
    array(select p.id from projects p join campaigns c on c.id = p.campaign_id
          where c.client_id = coalesce(new.client_id, old.client_id)),
    array[coalesce(new.user_id, old.user_id)]);
  return null;
end $$;
create trigger client_members_notify after insert or update or delete on client_members
  for each row execute function notify_client_member_change();

create function notify_project_campaign_change() returns trigger language plpgsql as $$
declare was uuid := case when tg_op = 'UPDATE' then old.campaign_id end;
begin
  if tg_op = 'INSERT' or new.campaign_id is distinct from old.campaign_id
     or new.client_shared is distinct from old.client_shared then
    perform notify_inherited_roles(array[new.id], array(
      select cm.user_id from campaign_members cm where cm.campaign_id in (was, new.campaign_id)
      union
      select km.user_id from client_members km join campaigns c on c.client_id = km.client_id
      where c.id in (was, new.campaign_id)));
  end if;
  return null;
end $$;
create trigger projects_notify_campaign_insert after insert on projects
  for each row when (new.campaign_id is not null) execute function notify_project_campaign_change();
create trigger projects_notify_campaign after update of campaign_id, client_shared on projects
  for each row execute function notify_project_campaign_change();

create table briefs (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references campaigns (id) on delete cascade,
  project_id uuid not null references projects (id) on delete cascade,
  -- briefFieldsSchema (packages/shared/src/campaigns.ts), validated by the API
  fields jsonb not null,
  last_draft jsonb,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index briefs_campaign_idx on briefs (campaign_id, created_at desc) where deleted_at is null;
create index briefs_project_idx on briefs (project_id) where deleted_at is null;

-- One platform variant of a project's storyboard: one cell of a render.variants job's matrix.
create table variants (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references projects (id) on delete cascade,
  job_id uuid not null references jobs (id) on delete cascade,
  key text not null,
  label text not null,
  aspect_ratio text not null,
  duration_sec double precision not null,
  status text not null default 'rendering' check (status in ('rendering', 'ready', 'failed', 'cancelled')),
  video_asset_id uuid references assets (id) on delete set null,
  poster_asset_id uuid references assets (id) on delete set null,
  brand_kit_id uuid references brand_kits (id) on delete set null,
  brand_kit_revision integer,
  cost_usd numeric(14, 6) not null default 0,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (job_id, key)
);
create index variants_project_idx on variants (project_id, created_at desc);

create table variant_approvals (
  id uuid primary key default gen_random_uuid(),
  variant_id uuid not null references variants (id) on delete cascade,
  status text not null check (status in ('approved', 'changes_requested')),
  note text check (length(note) <= 5000),
  reviewer_id uuid references users (id) on delete set null,
  reviewer_role text not null,
  brand_kit_revision integer,
  created_at timestamptz not null default now()
);
-- the current decision per variant is the newest row
create index variant_approvals_idx on variant_approvals (variant_id, created_at desc);

-- Comments on one variant; guests read only the client-visible ones (theirs always are).
create table variant_comments (
  id uuid primary key default gen_random_uuid(),
  variant_id uuid not null references variants (id) on delete cascade,
  project_id uuid not null references projects (id) on delete cascade,
  author_id uuid references users (id) on delete set null,
  author_role text,
  body text not null check (length(body) between 1 and 10000),
  at_sec double precision,
  client_visible boolean not null default false,
  created_at timestamptz not null default now()
);
create index variant_comments_idx on variant_comments (variant_id, created_at);

-- Campaign money: soft limits warn, hard limits hold new jobs (402). Days in `timezone`.
create table campaign_budgets (
  campaign_id uuid primary key references campaigns (id) on delete cascade,
  daily_soft_usd numeric(14, 6) check (daily_soft_usd >= 0),
  daily_hard_usd numeric(14, 6) check (daily_hard_usd >= 0),
  total_soft_usd numeric(14, 6) check (total_soft_usd >= 0),
  total_hard_usd numeric(14, 6) check (total_hard_usd >= 0),
  timezone text not null default 'UTC',
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now()
);

-- A job whose actual cost passed its estimate by more than 20 % (COST_VARIANCE_ALERT).
create table cost_alerts (
  id bigserial primary key,
  job_id uuid not null unique references jobs (id) on delete cascade,
  project_id uuid not null references projects (id) on delete cascade,
  campaign_id uuid references campaigns (id) on delete set null,
  estimate_usd numeric(14, 6) not null,
  actual_usd numeric(14, 6) not null,
  created_at timestamptz not null default now()
);
create index cost_alerts_campaign_idx on cost_alerts (campaign_id, created_at desc);
