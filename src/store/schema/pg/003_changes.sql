-- VCM schema, PostgreSQL backend, migration 3: the change sequence that
-- derived structures (the search index) follow, and the store's identity.
--
-- Every committed insert or update of an object, of its images, or of its
-- museum's names moves the object to the end of `changes` with a new seq.
--
-- Seqs must become visible in commit order: a reader that saw seq 12
-- committed while 11 was still to commit would skip 11 for ever. So the
-- assigning of seqs is serialised: vcm_change() takes a transaction-scoped
-- advisory lock (key 7758701, "vcm" in ASCII; the one the store's begin()
-- takes too) before it draws from changes_seq, and holds it until commit or
-- rollback. A transaction that assigns seqs therefore starts assigning only
-- after every earlier one has committed (PostgreSQL makes a commit visible
-- before it releases locks), so seq order is commit order.

CREATE SEQUENCE changes_seq;
CREATE TABLE changes (
    seq       bigint NOT NULL UNIQUE,
    object_id bigint PRIMARY KEY
);
INSERT INTO changes(seq, object_id)
    SELECT nextval('changes_seq'), id FROM (SELECT id FROM objects ORDER BY id) o;
CREATE TRIGGER changes_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON changes
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();

CREATE FUNCTION vcm_change(object bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7758701);
    INSERT INTO changes(seq, object_id) VALUES (nextval('changes_seq'), object)
        ON CONFLICT (object_id) DO UPDATE SET seq = EXCLUDED.seq;
END $$;

CREATE FUNCTION vcm_object_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vcm_change(NEW.id);
    RETURN NULL;
END $$;

CREATE FUNCTION vcm_media_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vcm_change(NEW.object_id);
    RETURN NULL;
END $$;

CREATE FUNCTION vcm_museum_names_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7758701);
    INSERT INTO changes(seq, object_id)
        SELECT nextval('changes_seq'), id
        FROM (SELECT id FROM objects WHERE museum_id = NEW.museum_id ORDER BY id) o
        ON CONFLICT (object_id) DO UPDATE SET seq = EXCLUDED.seq;
    RETURN NULL;
END $$;

CREATE TRIGGER objects_changed AFTER INSERT OR UPDATE ON objects
    FOR EACH ROW EXECUTE FUNCTION vcm_object_changed();
CREATE TRIGGER media_changed_insert AFTER INSERT ON media
    FOR EACH ROW EXECUTE FUNCTION vcm_media_changed();
CREATE TRIGGER museum_names_changed AFTER INSERT ON museum_names
    FOR EACH ROW EXECUTE FUNCTION vcm_museum_names_changed();

CREATE TABLE meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO meta(key, value) VALUES ('instance', replace(gen_random_uuid()::text, '-', ''));
