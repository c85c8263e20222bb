-- The voice of children, young people and families: quotes (never a name: the kind of
-- speaker and a year group or age only) and "you said, we did". Links to areas and
-- actions are JSON lists of area numbers and {area, ref} pairs, as in plan JSON.

create table quote (
    quote_id bigint generated always as identity primary key,
    plan_id bigint not null references plan (plan_id) on delete cascade,
    position bigint not null,
    text text not null,
    speaker text not null,
    year_group bigint,
    age bigint,
    source text not null,
    quote_date date,
    sentiment text not null,
    areas text not null,
    actions text not null,
    consent boolean not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index quote_plan_id on quote (plan_id, position);

create table you_said_we_did (
    you_said_we_did_id bigint generated always as identity primary key,
    plan_id bigint not null references plan (plan_id) on delete cascade,
    position bigint not null,
    you_said text not null,
    we_did text not null,
    status text not null,
    reason text,
    actions text not null,
    entry_date date,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index you_said_we_did_plan_id on you_said_we_did (plan_id, position);
