-- Removing access. A session ends after a while without use (`last_seen_at`, touched at
-- most once a minute) as well as at its hard end; an API token expires (`expires_at`;
-- older tokens have none and keep working until revoked); a disabled account
-- (`disabled_at`) cannot sign in, and disabling it ends its sessions and revokes its
-- tokens in the same transaction.
alter table session add column last_seen_at timestamptz;
alter table api_token add column expires_at timestamptz;
alter table app_user add column disabled_at timestamptz;
