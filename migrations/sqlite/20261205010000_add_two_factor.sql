-- Two-factor authentication for password sign-ins. `two_factor` holds an account's TOTP
-- secret (it must be readable to check codes) and the last time step accepted, so a code
-- works once. Recovery codes are random and stored as SHA-256, each used once. A sign-in
-- whose password was right but which still needs a code (or needs two-factor set up, as
-- an admin's does) is a `sign_in_step`: short-lived, single use, its secret only for set-up.
create table two_factor (
    app_user_id integer primary key references app_user (app_user_id) on delete cascade,
    secret text not null,
    last_step integer not null default 0,
    created_at text not null,
    updated_at text not null
);

create table recovery_code (
    recovery_code_id integer primary key,
    app_user_id integer not null references app_user (app_user_id) on delete cascade,
    code_hash text not null unique,
    used_at text,
    created_at text not null,
    updated_at text not null
);
create index recovery_code_app_user_id on recovery_code (app_user_id);

create table sign_in_step (
    step_id text primary key,
    app_user_id integer not null references app_user (app_user_id) on delete cascade,
    -- 'code' (enter a code) or 'setup' (set up two-factor first)
    kind text not null,
    setup_secret text,
    -- where to go once signed in
    next_path text not null,
    expires_at text not null,
    created_at text not null,
    updated_at text not null
);
