-- VCM schema, PostgreSQL backend, migration 8: every text a source gives, with
-- whether its language tag was inferred; cataloguers' notes; museum profiles.

-- A source may give two different texts in one language (a fuller original
-- and a shorter translation): texts are keyed by position, not language.
-- A note ('note') is a cataloguer's remark found in a source text: kept,
-- and shown only when public is 1.
ALTER TABLE object_texts DROP CONSTRAINT object_texts_pkey;
ALTER TABLE object_texts ADD PRIMARY KEY (object_id, field, pos);
ALTER TABLE object_texts DROP CONSTRAINT object_texts_field_check;
ALTER TABLE object_texts ADD CONSTRAINT object_texts_field_check
    CHECK (field IN ('title', 'description', 'statement', 'note'));
ALTER TABLE object_texts ADD COLUMN inferred bigint NOT NULL DEFAULT 0 CHECK (inferred IN (0, 1));
ALTER TABLE object_texts ADD COLUMN public bigint NOT NULL DEFAULT 0 CHECK (public IN (0, 1));

-- What a visitor reads about a museum beyond its names: city, coordinates
-- and website stay in museums.
CREATE TABLE museum_profiles (
    museum_id   bigint PRIMARY KEY REFERENCES museums(id) ON DELETE CASCADE,
    name_native text,
    address     text,
    languages   text,   -- BCP 47 tags separated by spaces, the museum's first
    description text
);
CREATE TRIGGER museum_profiles_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON museum_profiles
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
