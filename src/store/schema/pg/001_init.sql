-- VCM schema, PostgreSQL backend, migration 1: countries, museums, objects,
-- media, and the data version. Mirrors schema/sqlite/001_init.sql; text that
-- pages sort by uses the "C" collation, so both backends order alike.

CREATE TABLE countries (
    code       text PRIMARY KEY CHECK (length(code) = 2 AND code = upper(code)),
    region     text NOT NULL CHECK (region IN ('asia', 'europe', 'other')),
    asem_since bigint
);

CREATE TABLE country_names (
    code text NOT NULL REFERENCES countries(code) ON DELETE CASCADE,
    lang text NOT NULL,
    pos  bigint NOT NULL,
    name text COLLATE "C" NOT NULL,
    PRIMARY KEY (code, lang)
);

CREATE TABLE museums (
    id       bigserial PRIMARY KEY,
    name_key text COLLATE "C" NOT NULL UNIQUE,
    country  text NOT NULL REFERENCES countries(code),
    city     text,
    lat      double precision,
    lon      double precision,
    website  text,
    joined   text,
    left_on  text
);
CREATE INDEX museums_country ON museums(country);

CREATE TABLE museum_names (
    museum_id bigint NOT NULL REFERENCES museums(id) ON DELETE CASCADE,
    lang      text NOT NULL,
    pos       bigint NOT NULL,
    name      text COLLATE "C" NOT NULL,
    PRIMARY KEY (museum_id, lang)
);
CREATE INDEX museum_names_name ON museum_names(name);

CREATE TABLE objects (
    id               bigserial PRIMARY KEY,
    museum_id        bigint NOT NULL REFERENCES museums(id),
    source_id        text NOT NULL,
    source           text,
    source_licence   text,
    inventory_number text,
    date_text        text,
    date_start       bigint,
    date_end         bigint,
    century          bigint,
    period           text,
    culture          text,
    classification   text COLLATE "C",
    materials        text,
    technique        text,
    dimensions       text,
    credit_line      text,
    rights           text,
    licence          text,
    source_url       text,
    status           text NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    created          bigint NOT NULL,
    updated          bigint NOT NULL,
    content_hash     text NOT NULL,
    UNIQUE (museum_id, source_id)
);
CREATE INDEX objects_status ON objects(status, id);
CREATE INDEX objects_museum ON objects(museum_id, status, id);
CREATE INDEX objects_classification ON objects(classification, status, id);
CREATE INDEX objects_century ON objects(century, status, id);
CREATE INDEX objects_source_id ON objects(source_id);

CREATE TABLE object_texts (
    object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    field     text NOT NULL CHECK (field IN ('title', 'description', 'statement')),
    lang      text NOT NULL,
    pos       bigint NOT NULL,
    value     text NOT NULL,
    PRIMARY KEY (object_id, field, lang)
);

CREATE TABLE object_creators (
    object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    pos       bigint NOT NULL,
    name      text NOT NULL,
    PRIMARY KEY (object_id, pos)
);

CREATE TABLE media (
    id        bigserial PRIMARY KEY,
    object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    pos       bigint NOT NULL,
    file      text NOT NULL,
    format    text,
    width     bigint,
    height    bigint,
    checksum  text,
    rights    text
);
CREATE INDEX media_object ON media(object_id, pos);

-- The data version: one row, bumped once by every transaction that writes
-- (statement triggers on every table; a transaction-local setting remembers
-- that this transaction bumped already). The bump is part of the writing
-- transaction, so a reader sees the new version exactly when it sees the
-- new data: caches keyed on it are never stale.
CREATE TABLE data_version (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    v   bigint NOT NULL
);
INSERT INTO data_version(v) VALUES (1);

CREATE FUNCTION vcm_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('vcm.bumped', true) IS DISTINCT FROM 'y' THEN
        UPDATE data_version SET v = v + 1;
        PERFORM set_config('vcm.bumped', 'y', true);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER countries_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON countries
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER country_names_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON country_names
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER museums_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON museums
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER museum_names_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON museum_names
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER objects_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON objects
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER object_texts_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON object_texts
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER object_creators_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON object_creators
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER media_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON media
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
