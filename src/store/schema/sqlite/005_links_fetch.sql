-- VCM schema, SQLite backend, migration 5: where a museum publishes an
-- object's images, who to credit for an image, and the state of each image
-- URL that `vcm media fetch` has tried.

-- An image's credit line as its source asks for it ("The Metropolitan
-- Museum of Art, Open Access (CC0)").
ALTER TABLE media ADD COLUMN attribution TEXT;

-- Links the source gives: an image file (rel 'image'), a IIIF Image API
-- service ('iiif-image') or a IIIF manifest ('iiif-manifest').
CREATE TABLE object_links (
    object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    rel       TEXT NOT NULL CHECK (rel IN ('image', 'iiif-image', 'iiif-manifest')),
    pos       INTEGER NOT NULL,
    url       TEXT NOT NULL,
    PRIMARY KEY (object_id, rel, pos)
) WITHOUT ROWID;

-- One row per URL fetched: what happened last, and the validators that make
-- the next request conditional. Operational: writing it is not a change of
-- the collection.
CREATE TABLE fetch_state (
    url           TEXT PRIMARY KEY,
    object_id     INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    state         TEXT NOT NULL CHECK (state IN ('done', 'failed', 'refused')),
    http_status   INTEGER,
    etag          TEXT,
    last_modified TEXT,
    identifier    TEXT,             -- the image made from it (media.identifier)
    tries         INTEGER NOT NULL,
    checked       INTEGER NOT NULL, -- Unix seconds of the last attempt
    error         TEXT
) WITHOUT ROWID;
CREATE INDEX fetch_state_object ON fetch_state(object_id);
