-- VCM schema, PostgreSQL backend, migration 12: the network's governance and
-- meetings. Bodies and their offices, the rules that bind appointments (as
-- data: a kind and its parameters, read by model/governance.c), terms of
-- office with what is known of their bounds, elections with candidates
-- and votes, General Conferences and Executive Committee meetings with
-- their items and people, and news.
--
-- Content: the public network pages read it, so it lives in the main file
-- and moves the data version. Dates are text as the documents give them:
-- YYYY, YYYY-MM or YYYY-MM-DD, NULL when unknown (model/governance.h).
-- demo = 1 marks an entry of the demonstration data that no document
-- states; source names the document an entry comes from. Mirrors
-- schema/sqlite/012_governance.sql.

CREATE TABLE gov_bodies (
    id     bigserial PRIMARY KEY,
    key    text NOT NULL UNIQUE,
    name   text NOT NULL,
    source text
);

CREATE TABLE gov_offices (
    id      bigserial PRIMARY KEY,
    body_id bigint NOT NULL REFERENCES gov_bodies(id) ON DELETE CASCADE,
    kind    text NOT NULL CHECK (kind IN ('chair', 'vice_chair', 'secretary',
                                          'secretariat_host', 'permanent_seat', 'seat')),
    name    text NOT NULL,
    pos     bigint NOT NULL,
    UNIQUE (body_id, name)
);

CREATE TABLE gov_rules (
    id      bigserial PRIMARY KEY,
    body_id bigint NOT NULL REFERENCES gov_bodies(id) ON DELETE CASCADE,
    kind    text NOT NULL,
    params  text NOT NULL DEFAULT '',
    note    text,
    source  text
);
CREATE INDEX gov_rules_body ON gov_rules(body_id, id);

-- An election to an office, for a term; state open (votes taken) or closed.
CREATE TABLE gov_elections (
    id         bigserial PRIMARY KEY,
    office_id  bigint NOT NULL REFERENCES gov_offices(id) ON DELETE CASCADE,
    title      text NOT NULL,
    held       text,
    term_start text,
    term_end   text,
    state      text NOT NULL CHECK (state IN ('open', 'closed')),
    demo       bigint NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source     text,
    created    bigint NOT NULL
);

-- A holder of an office, or a candidate: a person, or an organization
-- (org, as the rules name it; museum_id when it is a member museum).
-- country: the country the holder stands for, whose ASEM group the rules
-- read (NULL: the person's museum's country).
CREATE TABLE gov_candidates (
    id          bigserial PRIMARY KEY,
    election_id bigint NOT NULL REFERENCES gov_elections(id) ON DELETE CASCADE,
    person_id   bigint REFERENCES people(id),
    org         text,
    museum_id   bigint REFERENCES museums(id) ON DELETE SET NULL,
    country     text,
    CHECK ((person_id IS NULL) <> (org IS NULL))
);
CREATE INDEX gov_candidates_election ON gov_candidates(election_id);

-- One vote per voter and election: voter 'm:ID' (a member museum) or
-- 'p:ID' (a person), as the voters rule says.
CREATE TABLE gov_votes (
    election_id  bigint NOT NULL REFERENCES gov_elections(id) ON DELETE CASCADE,
    voter        text NOT NULL,
    candidate_id bigint NOT NULL REFERENCES gov_candidates(id) ON DELETE CASCADE,
    cast_at      bigint NOT NULL,
    PRIMARY KEY (election_id, voter)
);

-- A term of office. override: the secretariat's reason for appointing
-- against the rules named in broken (kinds, comma-separated).
CREATE TABLE gov_terms (
    id          bigserial PRIMARY KEY,
    office_id   bigint NOT NULL REFERENCES gov_offices(id) ON DELETE CASCADE,
    person_id   bigint REFERENCES people(id),
    org         text,
    museum_id   bigint REFERENCES museums(id) ON DELETE SET NULL,
    country     text,
    start_date  text,
    end_date    text,
    election_id bigint REFERENCES gov_elections(id) ON DELETE SET NULL,
    override    text,
    broken      text,
    note        text,
    demo        bigint NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source      text,
    recorded_by text NOT NULL,
    recorded    bigint NOT NULL,
    CHECK ((person_id IS NULL) <> (org IS NULL)),
    CHECK ((broken IS NULL) = (override IS NULL))
);
CREATE INDEX gov_terms_office ON gov_terms(office_id);
CREATE INDEX gov_terms_person ON gov_terms(person_id);

-- General Conferences and Executive Committee meetings, numbered in each
-- kind when the number is known.
CREATE TABLE meetings (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('general_conference', 'executive_committee')),
    number     bigint,
    title      text NOT NULL,
    start_date text,
    end_date   text,
    city       text,
    country    text,
    host       text,
    host_museum_id bigint REFERENCES museums(id) ON DELETE SET NULL,
    theme      text,
    minutes    text,
    demo       bigint NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source     text,
    created    bigint NOT NULL,
    updated    bigint NOT NULL,
    UNIQUE (kind, number)
);

-- What a meeting holds, in order: its programme's sessions (speakers in
-- who), its agenda, its documents (url), its decisions (who is to act,
-- due by when).
CREATE TABLE meeting_items (
    meeting_id bigint NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('session', 'agenda', 'document', 'decision')),
    pos        bigint NOT NULL,
    title      text NOT NULL,
    who        text,
    due        text,
    url        text,
    PRIMARY KEY (meeting_id, kind, pos)
);

-- Who attended a meeting, spoke at it, or sent apologies.
CREATE TABLE meeting_people (
    meeting_id bigint NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id  bigint NOT NULL REFERENCES people(id),
    role       text NOT NULL CHECK (role IN ('participant', 'speaker', 'apologies')),
    PRIMARY KEY (meeting_id, person_id, role)
);

-- News from the secretariat (museum_id NULL) and members.
CREATE TABLE news (
    id        bigserial PRIMARY KEY,
    title     text NOT NULL,
    body      text NOT NULL,
    museum_id bigint REFERENCES museums(id) ON DELETE SET NULL,
    published bigint NOT NULL,
    updated   bigint NOT NULL,
    posted_by text NOT NULL,
    demo      bigint NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source    text
);
CREATE INDEX news_published ON news(published);

CREATE TRIGGER gov_bodies_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gov_bodies
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER gov_offices_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gov_offices
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER gov_rules_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gov_rules
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER gov_elections_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gov_elections
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER gov_candidates_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gov_candidates
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER gov_votes_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gov_votes
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER gov_terms_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gov_terms
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER meetings_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON meetings
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER meeting_items_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON meeting_items
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER meeting_people_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON meeting_people
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER news_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON news
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
