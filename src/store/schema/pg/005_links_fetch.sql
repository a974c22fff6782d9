-- VCM schema, PostgreSQL backend, migration 5: where a museum publishes an
-- object's images, who to credit for an image, and the state of each image
-- URL that `vcm media fetch` has tried.

ALTER TABLE media ADD COLUMN attribution text;

CREATE TABLE object_links (
    object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    rel       text NOT NULL CHECK (rel IN ('image', 'iiif-image', 'iiif-manifest')),
    pos       bigint NOT NULL,
    url       text NOT NULL,
    PRIMARY KEY (object_id, rel, pos)
);
CREATE TRIGGER object_links_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON object_links
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();

-- Operational, as sessions are: no bump of the data version, so that a
-- running fetch does not empty the caches of every node at each URL.
CREATE TABLE fetch_state (
    url           text PRIMARY KEY,
    object_id     bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    state         text NOT NULL CHECK (state IN ('done', 'failed', 'refused')),
    http_status   integer,
    etag          text,
    last_modified text,
    identifier    text,
    tries         integer NOT NULL,
    checked       bigint NOT NULL,
    error         text
);
CREATE INDEX fetch_state_object ON fetch_state(object_id);
