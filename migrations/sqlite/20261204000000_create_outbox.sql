-- Mail. Every message is written to `outbox_message` in the transaction of the change
-- that caused it, and delivered later by the worker in `wsoa serve`: a mail server that
-- is down delays mail and never fails the request or loses the message. A message is
-- claimed for `claimed_until` before it is sent, so several instances send it once;
-- a failure is kept in `last_error` and retried from `next_attempt_at`, later each time.
-- `secret` messages (sign-in links) have their bodies removed once delivered, and are
-- never shown on the Outbox page.
create table outbox_message (
    outbox_message_id integer primary key,
    -- invitation, role_invitation, password_reset, reminder, digest, board_pack
    kind text not null,
    recipient text not null,
    app_user_id integer references app_user (app_user_id) on delete set null,
    local_area_id integer references local_area (local_area_id) on delete set null,
    plan_id integer references plan (plan_id) on delete set null,
    subject text not null,
    body_text text not null,
    body_html text not null,
    -- the one-click opt-out link (List-Unsubscribe), for messages a person may stop
    unsubscribe_url text,
    secret integer not null default 0,
    attachment_name text,
    attachment_media_type text,
    attachment blob,
    attempts integer not null default 0,
    next_attempt_at text not null,
    claimed_until text,
    sent_at text,
    -- where it went: "smtp" or the .eml file written
    delivered_to text,
    last_error text,
    created_at text not null,
    updated_at text not null
);
create index outbox_message_pending on outbox_message (next_attempt_at) where sent_at is null;
create index outbox_message_local_area on outbox_message (local_area_id, created_at);

-- An invitation to a role in a local area. For a new address it creates the account
-- when the invitee chooses a password; for an existing account it is a pending role
-- that the account holder accepts after signing in. The link's token is stored as its
-- SHA-256 only, works once, and expires.
create table invitation (
    invitation_id integer primary key,
    token_hash text not null unique,
    email text not null,
    name text not null,
    local_area_id integer not null references local_area (local_area_id) on delete cascade,
    role text not null,
    person_key text,
    invited_by integer references app_user (app_user_id) on delete set null,
    expires_at text not null,
    accepted_at text,
    withdrawn_at text,
    created_at text not null,
    updated_at text not null
);
create index invitation_email on invitation (email);
create index invitation_local_area on invitation (local_area_id, created_at);

-- A password reset link: single-use, an hour long, stored as its SHA-256.
create table password_reset (
    token_hash text primary key,
    app_user_id integer not null references app_user (app_user_id) on delete cascade,
    expires_at text not null,
    used_at text,
    created_at text not null,
    updated_at text not null
);
create index password_reset_app_user on password_reset (app_user_id);
