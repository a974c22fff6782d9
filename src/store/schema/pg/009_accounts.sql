-- VCM schema, PostgreSQL backend, migration 9: accounts, sessions, login
-- throttles, API tokens, invitation and reset links, the audit log and the
-- mail outbox. Mirrors schema/sqlite/009_accounts.sql.
--
-- Operational, as fetch_state: no vcm_bump trigger on any of them, so a
-- sign-in, a throttle step or an audit line does not move the data version
-- and does not empty the content caches of every node.

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    name          text NOT NULL,
    role          text NOT NULL
                  CHECK (role IN ('contributor', 'museum_admin', 'editor', 'secretariat')),
    museum_id     bigint,       -- checked by the store, as on SQLite (no key across files)
    password_hash text,
    disabled      bigint NOT NULL DEFAULT 0,
    created       bigint NOT NULL,
    updated       bigint NOT NULL,
    CHECK ((role IN ('contributor', 'museum_admin')) = (museum_id IS NOT NULL))
);

CREATE TABLE sessions (
    hash      text PRIMARY KEY,
    user_id   bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf      text NOT NULL,
    created   bigint NOT NULL,
    last_seen bigint NOT NULL,
    expires   bigint NOT NULL,
    address   text
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE throttles (
    key      text PRIMARY KEY,
    failures bigint NOT NULL,
    last     bigint NOT NULL
);

CREATE TABLE tokens (
    id        bigserial PRIMARY KEY,
    user_id   bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name      text NOT NULL,
    hash      text NOT NULL UNIQUE,
    scope     text NOT NULL CHECK (scope IN ('read', 'write')),
    created   bigint NOT NULL,
    last_used bigint,
    revoked   bigint
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE links (
    hash    text PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind    text NOT NULL CHECK (kind IN ('invite', 'reset')),
    created bigint NOT NULL,
    expires bigint NOT NULL,
    used    bigint
);

CREATE TABLE audit (
    id       bigserial PRIMARY KEY,
    time     bigint NOT NULL,
    actor_id bigint,
    actor    text,
    event    text NOT NULL,
    subject  text,
    address  text,
    detail   text
);

CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    recipient  text NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    created    bigint NOT NULL,
    state      text NOT NULL CHECK (state IN ('waiting', 'sent', 'failed')),
    tries      bigint NOT NULL,
    next_try   bigint NOT NULL,
    last_error text
);
CREATE INDEX outbox_due ON outbox(state, next_try);
