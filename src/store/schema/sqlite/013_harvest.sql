-- VCM schema, SQLite backend, migration 13: OAI-PMH, provided and harvested.
-- Mirrors schema/pg/013_harvest.sql.
--
-- oai_records: what the OAI-PMH provider tells of each object it has ever
-- shown (src/store/harvest.c). The datestamp (stamp, Unix seconds) is set
-- when the provider first reads the object's change from the change
-- sequence (or a change of its sets), after that change committed: a
-- datestamp never precedes the moment its change became visible. sets is
-- the record's setSpecs, space-separated; sig is what a change of sets is
-- told by (the sets and the masterpiece's live version). A record once
-- shown and then withdrawn or turned back to a draft stays, deleted = 1.
CREATE TABLE oai_records (
    object_id INTEGER PRIMARY KEY,
    stamp     INTEGER NOT NULL,
    deleted   INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    sets      TEXT NOT NULL,
    sig       TEXT NOT NULL
);
CREATE INDEX oai_records_stamp ON oai_records(stamp, object_id);

-- The harvester: one row per source (an OAI-PMH endpoint harvested into a
-- museum), with where its harvest stands. last_stamp: the responseDate of
-- the first page of the last complete harvest, the next one's from (less
-- the overlap). token, run_from, run_stamp: the harvest under way, so an
-- interrupted one resumes from its last token. lock_owner, lock_until: the
-- node harvesting it now (one at a time, across nodes).
CREATE TABLE harvest_sources (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    museum_id   INTEGER NOT NULL REFERENCES museums(id),
    format      TEXT NOT NULL CHECK (format IN ('lido', 'oai_dc')),
    set_spec    TEXT,
    every       INTEGER NOT NULL,   -- seconds between scheduled harvests
    created     INTEGER NOT NULL,
    last_stamp  TEXT,
    token       TEXT,
    run_from    TEXT,
    run_stamp   TEXT,
    lock_owner  TEXT,
    lock_until  INTEGER,
    last_run    INTEGER,
    next_run    INTEGER,
    status      TEXT,               -- 'ok', 'running', or the last failure
    harvested   INTEGER NOT NULL DEFAULT 0,  -- the last (or current) run's counts
    deleted     INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (url, museum_id, format, set_spec)
);

-- Which object each harvested identifier became, so that a deleted record
-- withdraws the right object and a record is stored once however often it
-- comes.
CREATE TABLE harvest_records (
    source_id  INTEGER NOT NULL REFERENCES harvest_sources(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    object_id  INTEGER NOT NULL,
    stamp      TEXT NOT NULL,       -- the record's datestamp as the source gave it
    PRIMARY KEY (source_id, identifier)
);

-- Records a harvest could not take, the last reason for each; a later
-- harvest that takes the record drops its row.
CREATE TABLE harvest_errors (
    source_id  INTEGER NOT NULL REFERENCES harvest_sources(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    at         INTEGER NOT NULL,
    message    TEXT NOT NULL,
    PRIMARY KEY (source_id, identifier)
);

-- Per source: the element paths of its records that no field keeps, and
-- in how many records they were seen.
CREATE TABLE harvest_unmapped (
    source_id INTEGER NOT NULL REFERENCES harvest_sources(id) ON DELETE CASCADE,
    path      TEXT NOT NULL,
    records   INTEGER NOT NULL,
    PRIMARY KEY (source_id, path)
);
