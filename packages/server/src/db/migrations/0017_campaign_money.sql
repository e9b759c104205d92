-- Campaign money (issue #18): the soft-limit notices already sent, so a campaign's owners hear of
-- each passed soft limit once per campaign day; spend views read variance alerts by project.

-- One row per (campaign, limit, local day) whose soft limit a submission passed and whose owners
-- were told. `day` is the campaign's local day (campaign_budgets.timezone) when it happened; for
-- the total limit too, so a campaign over its total is reminded at most once a day.
create table campaign_budget_notices (
  campaign_id uuid not null references campaigns (id) on delete cascade,
  limit_kind text not null check (limit_kind in ('daily', 'total')),
  day date not null,
  created_at timestamptz not null default now(),
  primary key (campaign_id, limit_kind, day)
);

create index cost_alerts_project_idx on cost_alerts (project_id, created_at desc);
