-- VCM schema, PostgreSQL backend, migration 6: where an object comes from (its
-- origin), as distinct from where the museum that holds it is. As the SQLite
-- migration 6 (read it for the columns).

CREATE TABLE object_origins (
    object_id bigint PRIMARY KEY REFERENCES objects(id) ON DELETE CASCADE,
    country   text CHECK (country IS NULL OR length(country) = 2),
    region    text,
    culture   text,
    rule      text
);
CREATE INDEX object_origins_region ON object_origins(region, object_id);
CREATE INDEX object_origins_country ON object_origins(country, object_id);
CREATE TRIGGER object_origins_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON object_origins
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();

-- A new origin is a change of the object for the search index, as a new
-- image is; by statement, under the writers' lock first (migration 4).
CREATE FUNCTION vcm_origins_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7758701);
    INSERT INTO changes(seq, object_id)
        SELECT nextval('changes_seq'), object_id FROM (SELECT object_id FROM changed ORDER BY object_id) o
        ON CONFLICT (object_id) DO UPDATE SET seq = EXCLUDED.seq;
    RETURN NULL;
END $$;
CREATE TRIGGER object_origins_changed_insert AFTER INSERT ON object_origins
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_origins_changed();
CREATE TRIGGER object_origins_changed_update AFTER UPDATE ON object_origins
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_origins_changed();
