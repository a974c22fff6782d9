-- VCM schema, SQLite backend, migration 12: the network's governance and
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
-- states; source names the document an entry comes from.

CREATE TABLE gov_bodies (
    id     INTEGER PRIMARY KEY,
    key    TEXT NOT NULL UNIQUE,
    name   TEXT NOT NULL,
    source TEXT
);

CREATE TABLE gov_offices (
    id      INTEGER PRIMARY KEY,
    body_id INTEGER NOT NULL REFERENCES gov_bodies(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('chair', 'vice_chair', 'secretary',
                                          'secretariat_host', 'permanent_seat', 'seat')),
    name    TEXT NOT NULL,
    pos     INTEGER NOT NULL,
    UNIQUE (body_id, name)
);

CREATE TABLE gov_rules (
    id      INTEGER PRIMARY KEY,
    body_id INTEGER NOT NULL REFERENCES gov_bodies(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    params  TEXT NOT NULL DEFAULT '',
    note    TEXT,
    source  TEXT
);
CREATE INDEX gov_rules_body ON gov_rules(body_id, id);

-- An election to an office, for a term; state open (votes taken) or closed.
CREATE TABLE gov_elections (
    id         INTEGER PRIMARY KEY,
    office_id  INTEGER NOT NULL REFERENCES gov_offices(id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    held       TEXT,
    term_start TEXT,
    term_end   TEXT,
    state      TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    demo       INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source     TEXT,
    created    INTEGER NOT NULL
);

-- A holder of an office, or a candidate: a person, or an organization
-- (org, as the rules name it; museum_id when it is a member museum).
-- country: the country the holder stands for, whose ASEM group the rules
-- read (NULL: the person's museum's country).
CREATE TABLE gov_candidates (
    id          INTEGER PRIMARY KEY,
    election_id INTEGER NOT NULL REFERENCES gov_elections(id) ON DELETE CASCADE,
    person_id   INTEGER REFERENCES people(id),
    org         TEXT,
    museum_id   INTEGER REFERENCES museums(id) ON DELETE SET NULL,
    country     TEXT,
    CHECK ((person_id IS NULL) <> (org IS NULL))
);
CREATE INDEX gov_candidates_election ON gov_candidates(election_id);

-- One vote per voter and election: voter 'm:ID' (a member museum) or
-- 'p:ID' (a person), as the voters rule says.
CREATE TABLE gov_votes (
    election_id  INTEGER NOT NULL REFERENCES gov_elections(id) ON DELETE CASCADE,
    voter        TEXT NOT NULL,
    candidate_id INTEGER NOT NULL REFERENCES gov_candidates(id) ON DELETE CASCADE,
    cast_at      INTEGER NOT NULL,
    PRIMARY KEY (election_id, voter)
) WITHOUT ROWID;

-- A term of office. override: the secretariat's reason for appointing
-- against the rules named in broken (kinds, comma-separated).
CREATE TABLE gov_terms (
    id          INTEGER PRIMARY KEY,
    office_id   INTEGER NOT NULL REFERENCES gov_offices(id) ON DELETE CASCADE,
    person_id   INTEGER REFERENCES people(id),
    org         TEXT,
    museum_id   INTEGER REFERENCES museums(id) ON DELETE SET NULL,
    country     TEXT,
    start_date  TEXT,
    end_date    TEXT,
    election_id INTEGER REFERENCES gov_elections(id) ON DELETE SET NULL,
    override    TEXT,
    broken      TEXT,
    note        TEXT,
    demo        INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source      TEXT,
    recorded_by TEXT NOT NULL,
    recorded    INTEGER NOT NULL,
    CHECK ((person_id IS NULL) <> (org IS NULL)),
    CHECK ((broken IS NULL) = (override IS NULL))
);
CREATE INDEX gov_terms_office ON gov_terms(office_id);
CREATE INDEX gov_terms_person ON gov_terms(person_id);

-- General Conferences and Executive Committee meetings, numbered in each
-- kind when the number is known.
CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('general_conference', 'executive_committee')),
    number     INTEGER,
    title      TEXT NOT NULL,
    start_date TEXT,
    end_date   TEXT,
    city       TEXT,
    country    TEXT,
    host       TEXT,
    host_museum_id INTEGER REFERENCES museums(id) ON DELETE SET NULL,
    theme      TEXT,
    minutes    TEXT,
    demo       INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source     TEXT,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL,
    UNIQUE (kind, number)
);

-- What a meeting holds, in order: its programme's sessions (speakers in
-- who), its agenda, its documents (url), its decisions (who is to act,
-- due by when).
CREATE TABLE meeting_items (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('session', 'agenda', 'document', 'decision')),
    pos        INTEGER NOT NULL,
    title      TEXT NOT NULL,
    who        TEXT,
    due        TEXT,
    url        TEXT,
    PRIMARY KEY (meeting_id, kind, pos)
) WITHOUT ROWID;

-- Who attended a meeting, spoke at it, or sent apologies.
CREATE TABLE meeting_people (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    role       TEXT NOT NULL CHECK (role IN ('participant', 'speaker', 'apologies')),
    PRIMARY KEY (meeting_id, person_id, role)
) WITHOUT ROWID;

-- News from the secretariat (museum_id NULL) and members.
CREATE TABLE news (
    id        INTEGER PRIMARY KEY,
    title     TEXT NOT NULL,
    body      TEXT NOT NULL,
    museum_id INTEGER REFERENCES museums(id) ON DELETE SET NULL,
    published INTEGER NOT NULL,
    updated   INTEGER NOT NULL,
    posted_by TEXT NOT NULL,
    demo      INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source    TEXT
);
CREATE INDEX news_published ON news(published);
