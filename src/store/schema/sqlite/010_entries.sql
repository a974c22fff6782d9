-- VCM schema, SQLite backend, migration 10: masterpiece entries.
--
-- A museum's catalogue is its objects; an entry selects one of them (or a
-- record the museum created, source 'vcm') and keeps its own content in
-- versions. Nothing here is ever deleted: a save adds a version, a
-- workflow step adds an event, a withdrawal is a state. Content: these
-- tables live in main, so a publication moves the data version.
-- masterpiece_days is derived (the pick of each day, kept so that past
-- days never change) and operational: it lives in ops.

CREATE TABLE entries (
    id             INTEGER PRIMARY KEY,
    museum_id      INTEGER NOT NULL REFERENCES museums(id),
    object_id      INTEGER NOT NULL UNIQUE REFERENCES objects(id),
    created_record INTEGER NOT NULL DEFAULT 0 CHECK (created_record IN (0, 1)),
    state          TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'changes_requested',
                                                  'published', 'withdrawn')),
    version        INTEGER NOT NULL,   -- the latest version
    live_version   INTEGER NOT NULL DEFAULT 0, -- what the public sees; 0: nothing
    published      INTEGER,            -- when the live version was published
    created        INTEGER NOT NULL,
    updated        INTEGER NOT NULL,
    waiver         TEXT,               -- the editors' reason to waive the image rule
    waiver_by      INTEGER,
    waiver_at      INTEGER
);
CREATE INDEX entries_museum ON entries(museum_id, state);
CREATE INDEX entries_live ON entries(live_version) WHERE live_version <> 0;

-- Every save: who, when, what changed (summary), the content (JSON).
CREATE TABLE entry_versions (
    entry_id  INTEGER NOT NULL REFERENCES entries(id),
    version   INTEGER NOT NULL,
    author_id INTEGER,
    author    TEXT,
    time      INTEGER NOT NULL,
    summary   TEXT,
    data      TEXT NOT NULL,
    PRIMARY KEY (entry_id, version)
) WITHOUT ROWID;

-- Every workflow step: who, when, from, to, the comment.
CREATE TABLE entry_events (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES entries(id),
    version    INTEGER NOT NULL,
    time       INTEGER NOT NULL,
    actor_id   INTEGER,
    actor      TEXT,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    comment    TEXT
);
CREATE INDEX entry_events_entry ON entry_events(entry_id, id);

CREATE TABLE entry_comments (
    id        INTEGER PRIMARY KEY,
    entry_id  INTEGER NOT NULL REFERENCES entries(id),
    time      INTEGER NOT NULL,
    author_id INTEGER,
    author    TEXT,
    body      TEXT NOT NULL
);
CREATE INDEX entry_comments_entry ON entry_comments(entry_id, id);

-- A museum's quota of published masterpieces when not the default (25).
CREATE TABLE museum_quotas (
    museum_id INTEGER PRIMARY KEY REFERENCES museums(id),
    quota     INTEGER NOT NULL CHECK (quota >= 0)
);

-- A re-import that brought another value for a field a curator edited.
CREATE TABLE entry_conflicts (
    id        INTEGER PRIMARY KEY,
    entry_id  INTEGER NOT NULL REFERENCES entries(id),
    object_id INTEGER NOT NULL,
    field     TEXT NOT NULL,
    kept      TEXT,
    incoming  TEXT,
    time      INTEGER NOT NULL,
    resolved  INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1))
);
CREATE INDEX entry_conflicts_entry ON entry_conflicts(entry_id, field);

-- The Masterpiece of the Day, stored when first picked.
CREATE TABLE ops.masterpiece_days (
    day       TEXT PRIMARY KEY,   -- YYYY-MM-DD, UTC
    object_id INTEGER NOT NULL,
    entry_id  INTEGER NOT NULL,
    picked    INTEGER NOT NULL
) WITHOUT ROWID;
