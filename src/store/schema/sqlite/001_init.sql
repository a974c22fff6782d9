-- VCM schema, SQLite backend, migration 1: countries, museums, objects, media.
-- Language-tagged values live in their own tables, one row per language.

CREATE TABLE countries (
    code       TEXT PRIMARY KEY CHECK (length(code) = 2 AND code = upper(code)),
    region     TEXT NOT NULL CHECK (region IN ('asia', 'europe', 'other')),
    asem_since INTEGER
);

CREATE TABLE country_names (
    code TEXT NOT NULL REFERENCES countries(code) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    pos  INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (code, lang)
) WITHOUT ROWID;

CREATE TABLE museums (
    id       INTEGER PRIMARY KEY,
    name_key TEXT NOT NULL UNIQUE,   -- first name, case-folded: finds the museum on import
    country  TEXT NOT NULL REFERENCES countries(code),
    city     TEXT,
    lat      REAL,
    lon      REAL,
    website  TEXT,
    joined   TEXT,
    left_on  TEXT
);
CREATE INDEX museums_country ON museums(country);

CREATE TABLE museum_names (
    museum_id INTEGER NOT NULL REFERENCES museums(id) ON DELETE CASCADE,
    lang      TEXT NOT NULL,
    pos       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (museum_id, lang)
) WITHOUT ROWID;
CREATE INDEX museum_names_name ON museum_names(name);

CREATE TABLE objects (
    id               INTEGER PRIMARY KEY,
    museum_id        INTEGER NOT NULL REFERENCES museums(id),
    source_id        TEXT NOT NULL,
    source           TEXT,
    source_licence   TEXT,
    inventory_number TEXT,
    date_text        TEXT,
    date_start       INTEGER,
    date_end         INTEGER,
    century          INTEGER,        -- derived from date_start, for filtering
    period           TEXT,
    culture          TEXT,
    classification   TEXT,
    materials        TEXT,
    technique        TEXT,
    dimensions       TEXT,
    credit_line      TEXT,
    rights           TEXT,
    licence          TEXT,
    source_url       TEXT,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    created          INTEGER NOT NULL,
    updated          INTEGER NOT NULL,
    content_hash     TEXT NOT NULL,
    UNIQUE (museum_id, source_id)
);
CREATE INDEX objects_status ON objects(status, id);
CREATE INDEX objects_museum ON objects(museum_id, status, id);
CREATE INDEX objects_classification ON objects(classification, status, id);
CREATE INDEX objects_century ON objects(century, status, id);
CREATE INDEX objects_source_id ON objects(source_id);

CREATE TABLE object_texts (
    object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    field     TEXT NOT NULL CHECK (field IN ('title', 'description', 'statement')),
    lang      TEXT NOT NULL,
    pos       INTEGER NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (object_id, field, lang)
) WITHOUT ROWID;

CREATE TABLE object_creators (
    object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    pos       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (object_id, pos)
) WITHOUT ROWID;

CREATE TABLE media (
    id        INTEGER PRIMARY KEY,
    object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    pos       INTEGER NOT NULL,
    file      TEXT NOT NULL,
    format    TEXT,
    width     INTEGER,
    height    INTEGER,
    checksum  TEXT,
    rights    TEXT
);
CREATE INDEX media_object ON media(object_id, pos);
