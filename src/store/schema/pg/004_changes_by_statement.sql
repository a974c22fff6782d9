-- VCM schema, PostgreSQL backend, migration 4: objects enter the change
-- sequence by statement, not by row.
--
-- The store writes the objects of an import with one COPY per thousands of
-- rows; migration 3's row trigger then ran vcm_change() once per row (a
-- lock call, a plpgsql call and an INSERT each). These statement triggers
-- see the statement's rows as a transition table and give them their seqs
-- in one INSERT, in id order, under the same advisory lock (7758701) held
-- to commit: seqs stay in commit order, as migration 3 explains. SQLite
-- needs no such change: its triggers are not calls into another language.
--
-- Their names sort before objects_bump, and PostgreSQL fires the triggers
-- of one event in name order: the lock is taken before the data_version
-- row is. A writer without a transaction of its own (an autocommit insert)
-- that took the row first would wait for the lock while the lock's holder
-- waits for the row (migration 3's row triggers fired before any statement
-- trigger, so the order was the same there).

DROP TRIGGER objects_changed ON objects;

CREATE FUNCTION vcm_objects_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7758701);
    INSERT INTO changes(seq, object_id)
        SELECT nextval('changes_seq'), id FROM (SELECT id FROM changed ORDER BY id) o
        ON CONFLICT (object_id) DO UPDATE SET seq = EXCLUDED.seq;
    RETURN NULL;
END $$;

CREATE TRIGGER objects_a_changed_insert AFTER INSERT ON objects
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_objects_changed();
CREATE TRIGGER objects_a_changed_update AFTER UPDATE ON objects
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_objects_changed();
