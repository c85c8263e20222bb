-- Accounts: people who sign in, what they may do in which local area, their sessions
-- (in the database, so several app instances share them), their API tokens, and failed
-- sign-ins (for the lockout). Secrets are stored only as hashes.

create table app_user (
    app_user_id integer primary key,
    -- lower case, so one person cannot hold two accounts that differ in case
    email text not null unique,
    name text not null,
    -- argon2id PHC string; null for an account that cannot sign in with a password
    password_hash text,
    created_at text not null,
    updated_at text not null
);

-- One role per person per local area.
create table role_grant (
    app_user_id integer not null references app_user (app_user_id) on delete cascade,
    local_area_id integer not null references local_area (local_area_id) on delete cascade,
    role text not null,
    -- for owners: the key (initials or name) the area's plans use for this person
    person_key text,
    created_at text not null,
    updated_at text not null,
    primary key (app_user_id, local_area_id)
);
create index role_grant_local_area_id on role_grant (local_area_id);

create table session (
    -- SHA-256 of the cookie's value: a copy of the table cannot be replayed as cookies
    session_id text primary key,
    app_user_id integer not null references app_user (app_user_id) on delete cascade,
    expires_at text not null,
    created_at text not null,
    updated_at text not null
);
create index session_app_user_id on session (app_user_id);

create table api_token (
    api_token_id integer primary key,
    app_user_id integer not null references app_user (app_user_id) on delete cascade,
    name text not null,
    -- SHA-256 of the token; the token itself is shown once and never stored
    token_hash text not null unique,
    -- the first characters, so people can tell their tokens apart
    prefix text not null,
    revoked_at text,
    created_at text not null,
    updated_at text not null
);
create index api_token_app_user_id on api_token (app_user_id);

create table login_failure (
    login_failure_id integer primary key,
    -- as typed (lower-cased), whether or not an account has it, so the lockout does
    -- not tell which addresses have accounts
    email text not null,
    ip text,
    attempted_at text not null,
    created_at text not null,
    updated_at text not null
);
create index login_failure_email on login_failure (email, attempted_at);
create index login_failure_ip on login_failure (ip, attempted_at);
