-- VCM schema, PostgreSQL backend, migration 2: images by IIIF identifier,
-- and the log of changes that IIIF Change Discovery publishes.

ALTER TABLE media ADD COLUMN identifier text;   -- the IIIF identifier, unique
ALTER TABLE media ADD COLUMN original text;     -- the original file, kept byte for byte
ALTER TABLE media ADD COLUMN label text;
ALTER TABLE media ADD COLUMN created bigint;
CREATE UNIQUE INDEX media_identifier ON media(identifier);

CREATE TABLE activities (
    id        bigserial PRIMARY KEY,
    object_id bigint NOT NULL,
    type      text NOT NULL CHECK (type IN ('Create', 'Update', 'Delete')),
    time      bigint NOT NULL
);
CREATE INDEX activities_object ON activities(object_id);
CREATE TRIGGER activities_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON activities
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
