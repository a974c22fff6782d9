-- VCM schema, SQLite backend, migration 9: accounts, sessions, login
-- throttles, API tokens, invitation and reset links, the audit log and the
-- mail outbox.
--
-- All of it is operational: signing in, a throttle step or an audit line is
-- not a change of the collection, so these tables live in the second file
-- the driver attaches to every connection as "ops" (PATH-ops), and PRAGMA
-- main.data_version, which the content caches follow, does not move when
-- they are written (docs/internals/web.md). SQLite has no foreign key
-- between two files: users.museum_id is checked by the store.

CREATE TABLE ops.users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL
                  CHECK (role IN ('contributor', 'museum_admin', 'editor', 'secretariat')),
    museum_id     INTEGER,      -- contributors and museum admins: their museum
    password_hash TEXT,         -- Argon2id (libsodium's string form); NULL until set
    disabled      INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    CHECK ((role IN ('contributor', 'museum_admin')) = (museum_id IS NOT NULL))
);

-- A session: the SHA-256 of its cookie's token, never the token.
CREATE TABLE ops.sessions (
    hash      TEXT PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf      TEXT NOT NULL,
    created   INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    expires   INTEGER NOT NULL,
    address   TEXT
) WITHOUT ROWID;
CREATE INDEX ops.sessions_user ON sessions(user_id);

-- Failed sign-ins per account ('a:' email) and per address ('i:' address).
CREATE TABLE ops.throttles (
    key      TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last     INTEGER NOT NULL
) WITHOUT ROWID;

-- Personal API tokens: the SHA-256 of the token, its scope, its last use.
CREATE TABLE ops.tokens (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE,
    scope     TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created   INTEGER NOT NULL,
    last_used INTEGER,
    revoked   INTEGER
);
CREATE INDEX ops.tokens_user ON tokens(user_id);

-- Invitation and password-reset links: the SHA-256 of the link's token.
CREATE TABLE ops.links (
    hash    TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    used    INTEGER
) WITHOUT ROWID;

-- Who did what: never a password or a token.
CREATE TABLE ops.audit (
    id       INTEGER PRIMARY KEY,
    time     INTEGER NOT NULL,
    actor_id INTEGER,
    actor    TEXT,
    event    TEXT NOT NULL,
    subject  TEXT,
    address  TEXT,
    detail   TEXT
);

-- Mail waiting to be sent, so none is lost while the mail server is away.
CREATE TABLE ops.outbox (
    id         INTEGER PRIMARY KEY,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('waiting', 'sent', 'failed')),
    tries      INTEGER NOT NULL,
    next_try   INTEGER NOT NULL,
    last_error TEXT
);
CREATE INDEX ops.outbox_due ON outbox(state, next_try);
