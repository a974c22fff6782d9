-- VCM schema, SQLite backend, migration 18: visitors' collections and
-- comments on objects. Mirrors schema/pg/018_visitors.sql.
--
-- Visitor accounts: the role 'visitor' joins the four staff roles. SQLite
-- cannot change a CHECK in place and the accounts' children (sessions,
-- tokens, links) cascade from users, so the rows of the children are kept
-- aside while users is made again, then put back.
CREATE TEMP TABLE keep_sessions AS SELECT * FROM ops.sessions;
CREATE TEMP TABLE keep_tokens AS SELECT * FROM ops.tokens;
CREATE TEMP TABLE keep_links AS SELECT * FROM ops.links;
CREATE TABLE ops.users_018 (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL
                  CHECK (role IN ('contributor', 'museum_admin', 'editor', 'secretariat',
                                  'visitor')),
    museum_id     INTEGER,
    password_hash TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    CHECK ((role IN ('contributor', 'museum_admin')) = (museum_id IS NOT NULL))
);
INSERT INTO ops.users_018 SELECT * FROM ops.users;
DROP TABLE ops.users;
ALTER TABLE ops.users_018 RENAME TO users;
INSERT INTO ops.sessions SELECT * FROM temp.keep_sessions;
INSERT INTO ops.tokens SELECT * FROM temp.keep_tokens;
INSERT INTO ops.links SELECT * FROM temp.keep_links;
DROP TABLE temp.keep_sessions;
DROP TABLE temp.keep_tokens;
DROP TABLE temp.keep_links;

-- A visitor's named collection. Its owner is a visitor cookie (the SHA-256
-- of its 128-bit token, never the token) or a visitor account (users.id;
-- no foreign key: users live in the other file). visibility: who may see
-- it; review: the editors' decision on publishing it (a collection is
-- public only when visibility is 'published' and review 'approved'). The
-- share link's token is kept as its SHA-256 too. Operational: saving an
-- object must not empty the page caches.
CREATE TABLE ops.my_lists (
    id          INTEGER PRIMARY KEY,
    visitor     TEXT,
    user_id     INTEGER,
    name        TEXT NOT NULL,
    visibility  TEXT NOT NULL DEFAULT 'private'
                CHECK (visibility IN ('private', 'link', 'published')),
    review      TEXT NOT NULL DEFAULT 'none'
                CHECK (review IN ('none', 'pending', 'approved', 'refused')),
    share_hash  TEXT UNIQUE,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    CHECK ((visitor IS NULL) <> (user_id IS NULL))
);
CREATE INDEX ops.my_lists_visitor ON my_lists(visitor);
CREATE INDEX ops.my_lists_user ON my_lists(user_id);
CREATE INDEX ops.my_lists_review ON my_lists(review);

-- What a collection holds, in order: an object, or a detail of its image
-- (media: the image's IIIF identifier; region: x,y,w,h in its pixels).
CREATE TABLE ops.my_items (
    id        INTEGER PRIMARY KEY,
    list_id   INTEGER NOT NULL REFERENCES my_lists(id) ON DELETE CASCADE,
    pos       INTEGER NOT NULL,
    object_id INTEGER NOT NULL,
    media     TEXT,
    region    TEXT,
    note      TEXT,
    created   INTEGER NOT NULL
);
CREATE INDEX ops.my_items_list ON my_items(list_id, pos);

-- Comments on objects, moderated: only 'approved' ones are ever shown.
-- author_user: a visitor account's id, if any; visitor: the hash of the
-- visitor cookie; address: where it came from (for the editors and the
-- rate limits); spam: why the filter held it, if it did.
CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    object_id   INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,
    author_user INTEGER,
    visitor     TEXT,
    address     TEXT,
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'approved', 'refused')),
    spam        TEXT,
    created     INTEGER NOT NULL,
    decided     INTEGER
);
CREATE INDEX comments_object ON comments(object_id, state);
CREATE INDEX comments_state ON comments(state, id);

-- The moderation history of each comment: who did what, when, why.
CREATE TABLE comment_events (
    id         INTEGER PRIMARY KEY,
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    time       INTEGER NOT NULL,
    actor_id   INTEGER,
    actor      TEXT,
    event      TEXT NOT NULL CHECK (event IN ('posted', 'held', 'approved', 'refused')),
    reason     TEXT
);
CREATE INDEX comment_events_comment ON comment_events(comment_id);
