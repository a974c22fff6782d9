-- VCM schema, PostgreSQL backend, migration 15: virtual exhibitions.
-- Mirrors schema/sqlite/015_virtual_exhibitions.sql: content tables with
-- the data version's trigger.

CREATE TABLE virtual_exhibitions (
    id           bigserial PRIMARY KEY,
    slug         text NOT NULL UNIQUE,
    state        text NOT NULL CHECK (state IN ('draft', 'submitted', 'published',
                                                'withdrawn')),
    version      bigint NOT NULL,
    live_version bigint NOT NULL DEFAULT 0,
    published    bigint,
    created      bigint NOT NULL,
    updated      bigint NOT NULL
);
CREATE INDEX virtual_exhibitions_live ON virtual_exhibitions(live_version)
    WHERE live_version <> 0;

CREATE TABLE vx_versions (
    exhibition_id bigint NOT NULL REFERENCES virtual_exhibitions(id),
    version       bigint NOT NULL,
    author_id     bigint,
    author        text,
    time          bigint NOT NULL,
    summary       text,
    data          text NOT NULL,
    PRIMARY KEY (exhibition_id, version)
);

CREATE TABLE vx_events (
    id            bigserial PRIMARY KEY,
    exhibition_id bigint NOT NULL REFERENCES virtual_exhibitions(id),
    version       bigint NOT NULL,
    time          bigint NOT NULL,
    actor_id      bigint,
    actor         text,
    action        text NOT NULL,
    from_state    text NOT NULL,
    to_state      text NOT NULL,
    comment       text
);
CREATE INDEX vx_events_exhibition ON vx_events(exhibition_id, id);

CREATE TRIGGER virtual_exhibitions_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON virtual_exhibitions FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER vx_versions_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vx_versions
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER vx_events_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vx_events
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
