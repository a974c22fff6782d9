-- VCM schema, PostgreSQL backend, migration 17: images held back for review.
-- An image uploaded through a masterpiece entry belongs to that entry
-- (entry_id) and stays held (not public) until a version of the entry that
-- lists it is published; the entry's withdrawal holds it again. Images of
-- the catalogue record (entry_id NULL) are never held. No foreign key on
-- entry_id: vcm db copy moves media before entries.
-- Mirrors schema/sqlite/017_media_held.sql.

ALTER TABLE media ADD COLUMN entry_id bigint;
ALTER TABLE media ADD COLUMN held bigint NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
CREATE INDEX media_entry ON media(entry_id) WHERE entry_id IS NOT NULL;

-- Images uploaded before: an upload's identifier is its entry's number and
-- the start of its checksum (src/web/upload.c). Those of an entry that is
-- not published are held; those of a published one stay as they are.
UPDATE media SET entry_id = (SELECT e.id FROM entries e WHERE e.object_id = media.object_id
                             AND media.identifier LIKE 'e' || e.id || '-%')
    WHERE identifier LIKE 'e%-%';
UPDATE media SET held = 1 WHERE entry_id IS NOT NULL AND EXISTS
    (SELECT 1 FROM entries e WHERE e.id = media.entry_id AND e.live_version = 0);
