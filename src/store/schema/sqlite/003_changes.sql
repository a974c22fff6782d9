-- VCM schema, SQLite backend, migration 3: the change sequence that derived
-- structures (the search index) follow, and the store's identity.
--
-- Every committed insert or update of an object, of its images, or of its
-- museum's names moves the object to the end of `changes` with a new seq.
-- Writers are serialised, so seq order is commit order.

CREATE TABLE changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    object_id INTEGER NOT NULL UNIQUE
);
INSERT INTO changes(object_id) SELECT id FROM objects ORDER BY id;

CREATE TRIGGER objects_changed_insert AFTER INSERT ON objects BEGIN
    INSERT OR REPLACE INTO changes(object_id) VALUES (NEW.id);
END;
CREATE TRIGGER objects_changed_update AFTER UPDATE ON objects BEGIN
    INSERT OR REPLACE INTO changes(object_id) VALUES (NEW.id);
END;
CREATE TRIGGER media_changed_insert AFTER INSERT ON media BEGIN
    INSERT OR REPLACE INTO changes(object_id) VALUES (NEW.object_id);
END;
CREATE TRIGGER museum_names_changed AFTER INSERT ON museum_names BEGIN
    INSERT OR REPLACE INTO changes(object_id)
        SELECT id FROM objects WHERE museum_id = NEW.museum_id ORDER BY id;
END;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('instance', lower(hex(randomblob(16))));
