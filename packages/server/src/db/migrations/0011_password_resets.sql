-- One-time password reset links. Only the SHA-256 of the token is kept; a link works once
-- (`used_at` is set by a guarded update) and expires. `issued_by` is the instance admin who issued
-- it on an instance without SMTP (null when it was emailed).
create table password_resets (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  token_hash bytea not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  issued_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index password_resets_user_idx on password_resets (user_id);
