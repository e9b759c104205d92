-- Rate limits and the sign-in throttle in Postgres, for API instances that keep them here instead of
-- Redis (the edge entry: apps/api/src/auth/limit-store.ts). Unlogged: a crash forgets them, as a
-- Redis restart would, and writes skip the WAL.
create unlogged table rate_limits (
  key text primary key,
  count integer not null,
  expires_at timestamptz not null
);
create index rate_limits_expires_idx on rate_limits (expires_at);

create unlogged table rate_limit_members (
  key text not null,
  member text not null,
  expires_at timestamptz not null,
  primary key (key, member)
);
create index rate_limit_members_expires_idx on rate_limit_members (expires_at);
