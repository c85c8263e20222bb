-- A single sign-on in progress: from the redirect to the identity provider until its
-- answer comes back. Keyed by the SHA-256 of the `state` sent to the provider; tied to
-- the browser that started it by the SHA-256 of a cookie (so nobody can send someone a
-- link that signs them in as somebody else); holds the PKCE verifier and the nonce the
-- ID token must carry. Single use, and gone after 10 minutes.
create table sso_login (
    state_hash text primary key,
    browser_hash text not null,
    provider text not null,
    pkce_verifier text not null,
    nonce text not null,
    next_path text not null,
    expires_at timestamptz not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
