-- VCM schema, SQLite backend, migration 6: where an object comes from (its
-- origin), as distinct from where the museum that holds it is.
--
-- One row per object, derived from the record by the store when the object
-- is written (src/model/origin.c; the rule that derived it kept in `rule`).
-- Columns are NULL where nothing could be said. Objects stored before this
-- migration get their row when the store is next opened (store.c fills the
-- rows that are missing), or by `vcm db origins`.

CREATE TABLE object_origins (
    object_id INTEGER PRIMARY KEY REFERENCES objects(id) ON DELETE CASCADE,
    country   TEXT CHECK (country IS NULL OR length(country) = 2),  -- ISO 3166-1 alpha-2
    region    TEXT,     -- east-asia, south-asia, …, europe, americas (model/origin.h)
    culture   TEXT,     -- 'period:ming', 'place:kashgar' or the museum's culture text
    rule      TEXT      -- 'culture:place', 'artist-nationality', … ; NULL: nothing told
);
CREATE INDEX object_origins_region ON object_origins(region, object_id);
CREATE INDEX object_origins_country ON object_origins(country, object_id);

-- A new origin is a change of the object for what follows the change
-- sequence (the search index), as a new image is.
CREATE TRIGGER object_origins_changed_insert AFTER INSERT ON object_origins BEGIN
    INSERT OR REPLACE INTO changes(object_id) VALUES (NEW.object_id);
END;
CREATE TRIGGER object_origins_changed_update AFTER UPDATE ON object_origins BEGIN
    INSERT OR REPLACE INTO changes(object_id) VALUES (NEW.object_id);
END;
