-- VCM schema, SQLite backend, migration 2: images by IIIF identifier, and
-- the log of changes that IIIF Change Discovery publishes.

ALTER TABLE media ADD COLUMN identifier TEXT;   -- the IIIF identifier, unique
ALTER TABLE media ADD COLUMN original TEXT;     -- the original file, kept byte for byte
ALTER TABLE media ADD COLUMN label TEXT;
ALTER TABLE media ADD COLUMN created INTEGER;
CREATE UNIQUE INDEX media_identifier ON media(identifier);

CREATE TABLE activities (
    id        INTEGER PRIMARY KEY,
    object_id INTEGER NOT NULL,
    type      TEXT NOT NULL CHECK (type IN ('Create', 'Update', 'Delete')),
    time      INTEGER NOT NULL
);
CREATE INDEX activities_object ON activities(object_id);
