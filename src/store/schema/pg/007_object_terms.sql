-- VCM schema, PostgreSQL backend, migration 7: the thesaurus concepts an
-- object's own terms map to, for the facets and filters of browse
-- (sqlite/007_object_terms.sql says what the rows mean).

CREATE TABLE object_terms (
    object_id bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    kind      text NOT NULL CHECK (kind IN ('type', 'material')),
    term      text NOT NULL,
    PRIMARY KEY (object_id, kind, term)
);
CREATE INDEX object_terms_term ON object_terms(kind, term, object_id);
CREATE TRIGGER object_terms_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON object_terms
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
