-- VCM schema, PostgreSQL backend, migration 11: the network itself as data.
-- Partners (ASEM countries and institutions), the membership of museums as
-- a history of statuses, exceptions to the partner-country rule, join
-- applications, people (contacts, officers, participants) with their
-- consent, the directory of Asian collections, recorded growth figures,
-- and the history of every change to these tables.
--
-- Content, not operational: the public network pages read it, so these
-- tables move the data version (vcm_bump) like museums do. Mirrors
-- schema/sqlite/011_network.sql.
-- museums.joined and museums.left_on are superseded by member_status
-- (their values, where any were stored, are carried over below).

-- A partner of the Asia-Europe Meeting: a country (code = its ISO 3166-1
-- alpha-2 code) or an institution (the European Union, the ASEAN
-- Secretariat), with its ASEM group and the year it joined.
CREATE TABLE network_partners (
    code   text PRIMARY KEY,
    kind   text NOT NULL CHECK (kind IN ('country', 'institution')),
    name   text NOT NULL,
    grp    text CHECK (grp IN ('asia', 'europe')),
    joined bigint,
    source text,
    CHECK ((kind = 'country') = (grp IS NOT NULL))
);

-- Territories that count as a partner country: Hong Kong and Macao as China.
CREATE TABLE partner_aliases (
    code    text PRIMARY KEY,
    partner text NOT NULL
);
INSERT INTO partner_aliases(code, partner) VALUES ('HK', 'CN'), ('MO', 'CN');

-- People: contacts, officers, participants. Erasure blanks every personal
-- field and keeps the row, so that history naming the person still reads
-- ("a former contact").
CREATE TABLE people (
    id            bigserial PRIMARY KEY,
    name          text,
    museum_id     bigint REFERENCES museums(id) ON DELETE SET NULL,
    organization  text,
    position      text,
    email         text,
    phone         text,
    consent       bigint NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),
    consent_when  bigint,
    consent_for   text,
    erased        bigint NOT NULL DEFAULT 0 CHECK (erased IN (0, 1)),
    erased_when   bigint,
    demo          bigint NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source        text,
    created       bigint NOT NULL,
    updated       bigint NOT NULL,
    CHECK (erased = 1 OR name IS NOT NULL)
);
CREATE INDEX people_museum ON people(museum_id);

-- Membership: one row per change of a museum's status, the newest (highest
-- id) being the current one. from_date: YYYY, YYYY-MM or YYYY-MM-DD (what is
-- known), NULL when unknown.
CREATE TABLE member_status (
    id          bigserial PRIMARY KEY,
    museum_id   bigint NOT NULL REFERENCES museums(id) ON DELETE CASCADE,
    status      text NOT NULL
                CHECK (status IN ('applicant', 'member', 'lapsed', 'left', 'declined')),
    from_date   text,
    reason      text,
    recorded_by text NOT NULL,
    recorded    bigint NOT NULL,
    demo        bigint NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source      text
);
CREATE INDEX member_status_museum ON member_status(museum_id, id);

-- A member outside the partner countries, allowed by the secretariat.
CREATE TABLE partner_exceptions (
    museum_id   bigint PRIMARY KEY REFERENCES museums(id) ON DELETE CASCADE,
    reason      text NOT NULL,
    recorded_by text NOT NULL,
    recorded    bigint NOT NULL
);

-- Join applications from the public form. The museum is found or made when
-- the secretariat accepts (museum_id is set then, or at once when the
-- institution is a museum already known).
CREATE TABLE applications (
    id            bigserial PRIMARY KEY,
    institution   text NOT NULL,
    country       text NOT NULL,
    city          text,
    website       text,
    contact_id    bigint REFERENCES people(id) ON DELETE SET NULL,
    collections   text NOT NULL,
    ack_definition bigint NOT NULL CHECK (ack_definition = 1),
    ack_ethics    bigint NOT NULL CHECK (ack_ethics = 1),
    state         text NOT NULL CHECK (state IN ('pending', 'accepted', 'declined')),
    reason        text,
    museum_id     bigint REFERENCES museums(id) ON DELETE SET NULL,
    submitted     bigint NOT NULL,
    decided       bigint,
    decided_by    text
);
CREATE INDEX applications_state ON applications(state, id);

-- The directory of Asian collections: collections (not objects) of museums.
CREATE TABLE collections (
    id          bigserial PRIMARY KEY,
    museum_id   bigint NOT NULL REFERENCES museums(id) ON DELETE CASCADE,
    name        text NOT NULL,
    scope       text,
    size        text,
    periods     text,
    cultures    text,
    contact_id  bigint REFERENCES people(id) ON DELETE SET NULL,
    access      text,
    demo        bigint NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source      text,
    created     bigint NOT NULL,
    updated     bigint NOT NULL
);
CREATE INDEX collections_museum ON collections(museum_id);

-- Membership counts the network itself recorded (its own figures, not a
-- count of member rows), with the document that says so. at: 'start' or
-- 'end' of the year.
CREATE TABLE network_figures (
    year      bigint NOT NULL,
    at        text NOT NULL CHECK (at IN ('start', 'end')),
    members   bigint NOT NULL,
    countries bigint,
    source    text NOT NULL,
    PRIMARY KEY (year, at)
);

-- Who changed what in the tables above, and when. detail names the fields
-- changed; it never holds a person's data, so erasure leaves it readable.
CREATE TABLE network_history (
    id        bigserial PRIMARY KEY,
    time      bigint NOT NULL,
    actor     text NOT NULL,
    entity    text NOT NULL,
    entity_id text NOT NULL,
    action    text NOT NULL,
    detail    text
);
CREATE INDEX network_history_entity ON network_history(entity, entity_id, id);

-- What museums.joined and museums.left_on said, as history.
INSERT INTO member_status(museum_id, status, from_date, reason, recorded_by, recorded)
    SELECT id, 'member', joined, 'carried over from museums.joined', 'migration 11',
           extract(epoch FROM now())::bigint FROM museums WHERE joined IS NOT NULL;
INSERT INTO member_status(museum_id, status, from_date, reason, recorded_by, recorded)
    SELECT id, 'left', left_on, 'carried over from museums.left_on', 'migration 11',
           extract(epoch FROM now())::bigint FROM museums WHERE left_on IS NOT NULL;

CREATE TRIGGER network_partners_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON network_partners
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER partner_aliases_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partner_aliases
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER people_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON people
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER member_status_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON member_status
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER partner_exceptions_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partner_exceptions
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER applications_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER collections_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON collections
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER network_figures_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON network_figures
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER network_history_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON network_history
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
