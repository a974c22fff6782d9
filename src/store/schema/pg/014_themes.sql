-- VCM schema, PostgreSQL backend, migration 14: themes (docs/curation.md).
-- Mirrors schema/sqlite/014_themes.sql, which says what each table holds.
-- Content tables: their writes move the data version (vcm_bump), so the
-- page caches follow a theme's change.
CREATE TABLE themes (
    id         bigserial PRIMARY KEY,
    slug       text NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64),
    rule       text NOT NULL,
    pos        bigint NOT NULL DEFAULT 0,
    created    bigint NOT NULL,
    updated    bigint NOT NULL,
    updated_by text NOT NULL
);

CREATE TABLE theme_texts (
    theme_id bigint NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    lang     text NOT NULL,
    title    text NOT NULL,
    intro    text NOT NULL,
    PRIMARY KEY (theme_id, lang)
);

CREATE TABLE theme_picks (
    theme_id  bigint NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    pick      bigint NOT NULL CHECK (pick IN (0, 1)),
    pos       bigint NOT NULL,
    PRIMARY KEY (theme_id, object_id)
);

CREATE TABLE theme_objects (
    theme_id  bigint NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    pos       bigint NOT NULL,
    PRIMARY KEY (theme_id, object_id)
);
CREATE INDEX theme_objects_object ON theme_objects(object_id, theme_id);

CREATE TRIGGER themes_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON themes
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER theme_texts_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON theme_texts
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER theme_picks_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON theme_picks
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER theme_objects_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON theme_objects
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
