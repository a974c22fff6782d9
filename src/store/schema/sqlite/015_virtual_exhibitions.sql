-- VCM schema, SQLite backend, migration 15: virtual exhibitions.
--
-- A virtual exhibition (not the network's travelling exhibitions of
-- migration 16) is a curated text in ordered sections, each with objects
-- and details of their images. Its content is kept whole in versions (one
-- JSON document a save: titles, introduction, sections, items with their
-- regions), so that a version is the exhibition as it was and history is
-- a list of them; the workflow's steps are events. Nothing is deleted.
-- Content: these tables live in main and move the data version.

CREATE TABLE virtual_exhibitions (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    state        TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'published',
                                                'withdrawn')),
    version      INTEGER NOT NULL,            -- the latest version
    live_version INTEGER NOT NULL DEFAULT 0,  -- what the public sees; 0: nothing
    published    INTEGER,                     -- when the live version was published
    created      INTEGER NOT NULL,
    updated      INTEGER NOT NULL
);
CREATE INDEX virtual_exhibitions_live ON virtual_exhibitions(live_version)
    WHERE live_version <> 0;

CREATE TABLE vx_versions (
    exhibition_id INTEGER NOT NULL REFERENCES virtual_exhibitions(id),
    version       INTEGER NOT NULL,
    author_id     INTEGER,
    author        TEXT,
    time          INTEGER NOT NULL,
    summary       TEXT,
    data          TEXT NOT NULL,
    PRIMARY KEY (exhibition_id, version)
) WITHOUT ROWID;

CREATE TABLE vx_events (
    id            INTEGER PRIMARY KEY,
    exhibition_id INTEGER NOT NULL REFERENCES virtual_exhibitions(id),
    version       INTEGER NOT NULL,
    time          INTEGER NOT NULL,
    actor_id      INTEGER,
    actor         TEXT,
    action        TEXT NOT NULL,
    from_state    TEXT NOT NULL,
    to_state      TEXT NOT NULL,
    comment       TEXT
);
CREATE INDEX vx_events_exhibition ON vx_events(exhibition_id, id);
