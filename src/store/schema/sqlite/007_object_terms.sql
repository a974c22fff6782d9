-- VCM schema, SQLite backend, migration 7: the thesaurus concepts an
-- object's own terms map to, for the facets and filters of browse.
--
-- kind 'type': one row, the object's classification as a concept of
-- thesaurus/types.tsv or materials.tsv (its id), or, when it maps to none,
-- its folded form after '~' ("~leatherwork"), so that "Prints", "prints"
-- and "Print" are one entry and a term the thesaurus lacks is still one
-- entry however it is written. kind 'material': the material concepts its
-- medium and technique name. Derived from the object by the program
-- (src/search/terms.c), not by SQL: the folding needs ICU and the
-- thesaurus. The museum's own words stay in objects.

CREATE TABLE object_terms (
    object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('type', 'material')),
    term      TEXT NOT NULL,
    PRIMARY KEY (object_id, kind, term)
) WITHOUT ROWID;
CREATE INDEX object_terms_term ON object_terms(kind, term, object_id);
