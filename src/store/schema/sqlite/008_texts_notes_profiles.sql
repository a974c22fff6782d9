-- VCM schema, SQLite backend, migration 8: every text a source gives, with
-- whether its language tag was inferred; cataloguers' notes; museum profiles.

-- A source may give two different texts in one language (a fuller original
-- and a shorter translation): texts are keyed by position, not language.
-- A note ('note') is a cataloguer's remark found in a source text: kept,
-- and shown only when public is 1. SQLite cannot change a key in place.
CREATE TABLE object_texts_008 (
    object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    field     TEXT NOT NULL CHECK (field IN ('title', 'description', 'statement', 'note')),
    lang      TEXT NOT NULL,
    pos       INTEGER NOT NULL,
    value     TEXT NOT NULL,
    inferred  INTEGER NOT NULL DEFAULT 0 CHECK (inferred IN (0, 1)),
    public    INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    PRIMARY KEY (object_id, field, pos)
) WITHOUT ROWID;
INSERT INTO object_texts_008(object_id, field, lang, pos, value)
    SELECT object_id, field, lang, pos, value FROM object_texts;
DROP TABLE object_texts;
ALTER TABLE object_texts_008 RENAME TO object_texts;

-- What a visitor reads about a museum beyond its names: city, coordinates
-- and website stay in museums.
CREATE TABLE museum_profiles (
    museum_id   INTEGER PRIMARY KEY REFERENCES museums(id) ON DELETE CASCADE,
    name_native TEXT,
    address     TEXT,
    languages   TEXT,   -- BCP 47 tags separated by spaces, the museum's first
    description TEXT
);
