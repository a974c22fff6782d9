-- VCM schema, SQLite backend, migration 11: the network itself as data.
-- Partners (ASEM countries and institutions), the membership of museums as
-- a history of statuses, exceptions to the partner-country rule, join
-- applications, people (contacts, officers, participants) with their
-- consent, the directory of Asian collections, recorded growth figures,
-- and the history of every change to these tables.
--
-- Content, not operational: the public network pages read it, so these
-- tables live in the main file and move the data version like museums do.
-- museums.joined and museums.left_on are superseded by member_status
-- (their values, where any were stored, are carried over below).

-- A partner of the Asia-Europe Meeting: a country (code = its ISO 3166-1
-- alpha-2 code) or an institution (the European Union, the ASEAN
-- Secretariat), with its ASEM group and the year it joined.
CREATE TABLE network_partners (
    code   TEXT PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('country', 'institution')),
    name   TEXT NOT NULL,
    grp    TEXT CHECK (grp IN ('asia', 'europe')),
    joined INTEGER,
    source TEXT,
    CHECK ((kind = 'country') = (grp IS NOT NULL))
);

-- Territories that count as a partner country: Hong Kong and Macao as China.
CREATE TABLE partner_aliases (
    code    TEXT PRIMARY KEY,
    partner TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO partner_aliases(code, partner) VALUES ('HK', 'CN'), ('MO', 'CN');

-- People: contacts, officers, participants. Erasure blanks every personal
-- field and keeps the row, so that history naming the person still reads
-- ("a former contact").
CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    name          TEXT,
    museum_id     INTEGER REFERENCES museums(id) ON DELETE SET NULL,
    organization  TEXT,
    position      TEXT,
    email         TEXT,
    phone         TEXT,
    consent       INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),
    consent_when  INTEGER,
    consent_for   TEXT,
    erased        INTEGER NOT NULL DEFAULT 0 CHECK (erased IN (0, 1)),
    erased_when   INTEGER,
    demo          INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source        TEXT,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    CHECK (erased = 1 OR name IS NOT NULL)
);
CREATE INDEX people_museum ON people(museum_id);

-- Membership: one row per change of a museum's status, the newest (highest
-- id) being the current one. from_date: YYYY, YYYY-MM or YYYY-MM-DD (what is
-- known), NULL when unknown.
CREATE TABLE member_status (
    id          INTEGER PRIMARY KEY,
    museum_id   INTEGER NOT NULL REFERENCES museums(id) ON DELETE CASCADE,
    status      TEXT NOT NULL
                CHECK (status IN ('applicant', 'member', 'lapsed', 'left', 'declined')),
    from_date   TEXT,
    reason      TEXT,
    recorded_by TEXT NOT NULL,
    recorded    INTEGER NOT NULL,
    demo        INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source      TEXT
);
CREATE INDEX member_status_museum ON member_status(museum_id, id);

-- A member outside the partner countries, allowed by the secretariat.
CREATE TABLE partner_exceptions (
    museum_id   INTEGER PRIMARY KEY REFERENCES museums(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded    INTEGER NOT NULL
);

-- Join applications from the public form. The museum is found or made when
-- the secretariat accepts (museum_id is set then, or at once when the
-- institution is a museum already known).
CREATE TABLE applications (
    id            INTEGER PRIMARY KEY,
    institution   TEXT NOT NULL,
    country       TEXT NOT NULL,
    city          TEXT,
    website       TEXT,
    contact_id    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    collections   TEXT NOT NULL,
    ack_definition INTEGER NOT NULL CHECK (ack_definition = 1),
    ack_ethics    INTEGER NOT NULL CHECK (ack_ethics = 1),
    state         TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined')),
    reason        TEXT,
    museum_id     INTEGER REFERENCES museums(id) ON DELETE SET NULL,
    submitted     INTEGER NOT NULL,
    decided       INTEGER,
    decided_by    TEXT
);
CREATE INDEX applications_state ON applications(state, id);

-- The directory of Asian collections: collections (not objects) of museums.
CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    museum_id   INTEGER NOT NULL REFERENCES museums(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    scope       TEXT,
    size        TEXT,
    periods     TEXT,
    cultures    TEXT,
    contact_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    access      TEXT,
    demo        INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    source      TEXT,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL
);
CREATE INDEX collections_museum ON collections(museum_id);

-- Membership counts the network itself recorded (its own figures, not a
-- count of member rows), with the document that says so. at: 'start' or
-- 'end' of the year.
CREATE TABLE network_figures (
    year      INTEGER NOT NULL,
    at        TEXT NOT NULL CHECK (at IN ('start', 'end')),
    members   INTEGER NOT NULL,
    countries INTEGER,
    source    TEXT NOT NULL,
    PRIMARY KEY (year, at)
) WITHOUT ROWID;

-- Who changed what in the tables above, and when. detail names the fields
-- changed; it never holds a person's data, so erasure leaves it readable.
CREATE TABLE network_history (
    id        INTEGER PRIMARY KEY,
    time      INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT
);
CREATE INDEX network_history_entity ON network_history(entity, entity_id, id);

-- What museums.joined and museums.left_on said, as history.
INSERT INTO member_status(museum_id, status, from_date, reason, recorded_by, recorded)
    SELECT id, 'member', joined, 'carried over from museums.joined', 'migration 11',
           CAST(strftime('%s', 'now') AS INTEGER) FROM museums WHERE joined IS NOT NULL;
INSERT INTO member_status(museum_id, status, from_date, reason, recorded_by, recorded)
    SELECT id, 'left', left_on, 'carried over from museums.left_on', 'migration 11',
           CAST(strftime('%s', 'now') AS INTEGER) FROM museums WHERE left_on IS NOT NULL;
