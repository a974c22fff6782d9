-- VCM schema, PostgreSQL backend, migration 13: OAI-PMH, provided and harvested.
-- Mirrors schema/sqlite/013_harvest.sql.
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
    object_id bigint PRIMARY KEY,
    stamp     bigint NOT NULL,
    deleted   bigint NOT NULL CHECK (deleted IN (0, 1)),
    sets      text NOT NULL,
    sig       text NOT NULL
);
CREATE INDEX oai_records_stamp ON oai_records(stamp, object_id);

-- The harvester: one row per source (an OAI-PMH endpoint harvested into a
-- museum), with where its harvest stands. last_stamp: the responseDate of
-- the first page of the last complete harvest, the next one's from (less
-- the overlap). token, run_from, run_stamp: the harvest under way, so an
-- interrupted one resumes from its last token. lock_owner, lock_until: the
-- node harvesting it now (one at a time, across nodes).
CREATE TABLE harvest_sources (
    id          bigserial PRIMARY KEY,
    url         text NOT NULL,
    museum_id   bigint NOT NULL REFERENCES museums(id),
    format      text NOT NULL CHECK (format IN ('lido', 'oai_dc')),
    set_spec    text,
    every       bigint NOT NULL,   -- seconds between scheduled harvests
    created     bigint NOT NULL,
    last_stamp  text,
    token       text,
    run_from    text,
    run_stamp   text,
    lock_owner  text,
    lock_until  bigint,
    last_run    bigint,
    next_run    bigint,
    status      text,               -- 'ok', 'running', or the last failure
    harvested   bigint NOT NULL DEFAULT 0,  -- the last (or current) run's counts
    deleted     bigint NOT NULL DEFAULT 0,
    errors      bigint NOT NULL DEFAULT 0,
    UNIQUE (url, museum_id, format, set_spec)
);

-- Which object each harvested identifier became, so that a deleted record
-- withdraws the right object and a record is stored once however often it
-- comes.
CREATE TABLE harvest_records (
    source_id  bigint NOT NULL REFERENCES harvest_sources(id) ON DELETE CASCADE,
    identifier text NOT NULL,
    object_id  bigint NOT NULL,
    stamp      text NOT NULL,       -- the record's datestamp as the source gave it
    PRIMARY KEY (source_id, identifier)
);

-- Records a harvest could not take, the last reason for each; a later
-- harvest that takes the record drops its row.
CREATE TABLE harvest_errors (
    source_id  bigint NOT NULL REFERENCES harvest_sources(id) ON DELETE CASCADE,
    identifier text NOT NULL,
    at         bigint NOT NULL,
    message    text NOT NULL,
    PRIMARY KEY (source_id, identifier)
);

-- Per source: the element paths of its records that no field keeps, and
-- in how many records they were seen.
CREATE TABLE harvest_unmapped (
    source_id bigint NOT NULL REFERENCES harvest_sources(id) ON DELETE CASCADE,
    path      text NOT NULL,
    records   bigint NOT NULL,
    PRIMARY KEY (source_id, path)
);
