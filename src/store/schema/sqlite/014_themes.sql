-- VCM schema, SQLite backend, migration 14: themes (docs/curation.md).
-- A theme is a saved query over the collection (rule: JSON, model/theme.h)
-- with objects added or removed by hand (theme_picks, ordered), titled and
-- introduced in several languages (theme_texts). theme_objects holds what
-- the rule and the picks select, written by the store whenever the theme
-- or its picks change (vcm_theme_refresh), so that browse and the search
-- filter by a theme without evaluating its rule. Who changed what goes into
-- network_history (entity 'theme'). Mirrors schema/pg/014_themes.sql.
CREATE TABLE themes (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64),
    rule       TEXT NOT NULL,
    pos        INTEGER NOT NULL DEFAULT 0,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE theme_texts (
    theme_id INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    lang     TEXT NOT NULL,
    title    TEXT NOT NULL,
    intro    TEXT NOT NULL,
    PRIMARY KEY (theme_id, lang)
) WITHOUT ROWID;

-- pick: 1 added by hand (first, in pos order), 0 removed by hand
CREATE TABLE theme_picks (
    theme_id  INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    pick      INTEGER NOT NULL CHECK (pick IN (0, 1)),
    pos       INTEGER NOT NULL,
    PRIMARY KEY (theme_id, object_id)
) WITHOUT ROWID;

-- pos: the hand-added objects' places (from 1), then 0 for what the rule
-- found, listed by date then id
CREATE TABLE theme_objects (
    theme_id  INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    pos       INTEGER NOT NULL,
    PRIMARY KEY (theme_id, object_id)
) WITHOUT ROWID;
CREATE INDEX theme_objects_object ON theme_objects(object_id, theme_id);
