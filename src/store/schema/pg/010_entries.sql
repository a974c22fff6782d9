-- VCM schema, PostgreSQL backend, migration 10: masterpiece entries.
-- Mirrors schema/sqlite/010_entries.sql: content tables with the data
-- version's trigger; masterpiece_days operational, without it.

CREATE TABLE entries (
    id             bigserial PRIMARY KEY,
    museum_id      bigint NOT NULL REFERENCES museums(id),
    object_id      bigint NOT NULL UNIQUE REFERENCES objects(id),
    created_record bigint NOT NULL DEFAULT 0 CHECK (created_record IN (0, 1)),
    state          text NOT NULL CHECK (state IN ('draft', 'submitted', 'changes_requested',
                                                  'published', 'withdrawn')),
    version        bigint NOT NULL,
    live_version   bigint NOT NULL DEFAULT 0,
    published      bigint,
    created        bigint NOT NULL,
    updated        bigint NOT NULL,
    waiver         text,
    waiver_by      bigint,
    waiver_at      bigint
);
CREATE INDEX entries_museum ON entries(museum_id, state);
CREATE INDEX entries_live ON entries(live_version) WHERE live_version <> 0;

CREATE TABLE entry_versions (
    entry_id  bigint NOT NULL REFERENCES entries(id),
    version   bigint NOT NULL,
    author_id bigint,
    author    text,
    time      bigint NOT NULL,
    summary   text,
    data      text NOT NULL,
    PRIMARY KEY (entry_id, version)
);

CREATE TABLE entry_events (
    id         bigserial PRIMARY KEY,
    entry_id   bigint NOT NULL REFERENCES entries(id),
    version    bigint NOT NULL,
    time       bigint NOT NULL,
    actor_id   bigint,
    actor      text,
    action     text NOT NULL,
    from_state text NOT NULL,
    to_state   text NOT NULL,
    comment    text
);
CREATE INDEX entry_events_entry ON entry_events(entry_id, id);

CREATE TABLE entry_comments (
    id        bigserial PRIMARY KEY,
    entry_id  bigint NOT NULL REFERENCES entries(id),
    time      bigint NOT NULL,
    author_id bigint,
    author    text,
    body      text NOT NULL
);
CREATE INDEX entry_comments_entry ON entry_comments(entry_id, id);

CREATE TABLE museum_quotas (
    museum_id bigint PRIMARY KEY REFERENCES museums(id),
    quota     bigint NOT NULL CHECK (quota >= 0)
);

CREATE TABLE entry_conflicts (
    id        bigserial PRIMARY KEY,
    entry_id  bigint NOT NULL REFERENCES entries(id),
    object_id bigint NOT NULL,
    field     text NOT NULL,
    kept      text,
    incoming  text,
    time      bigint NOT NULL,
    resolved  bigint NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1))
);
CREATE INDEX entry_conflicts_entry ON entry_conflicts(entry_id, field);

CREATE TABLE masterpiece_days (
    day       text PRIMARY KEY,
    object_id bigint NOT NULL,
    entry_id  bigint NOT NULL,
    picked    bigint NOT NULL
);

CREATE TRIGGER entries_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER entry_versions_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entry_versions
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER entry_events_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entry_events
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER entry_comments_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entry_comments
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER museum_quotas_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON museum_quotas
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER entry_conflicts_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entry_conflicts
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
