-- VCM schema, PostgreSQL backend, migration 18: visitors' collections and
-- comments on objects. Mirrors schema/sqlite/018_visitors.sql, which says
-- what each table is for.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('contributor', 'museum_admin', 'editor', 'secretariat', 'visitor'));

-- Operational, as the accounts are: no data-version trigger, so saving an
-- object does not empty the page caches.
CREATE TABLE my_lists (
    id          bigserial PRIMARY KEY,
    visitor     text,
    user_id     bigint,
    name        text NOT NULL,
    visibility  text NOT NULL DEFAULT 'private'
                CHECK (visibility IN ('private', 'link', 'published')),
    review      text NOT NULL DEFAULT 'none'
                CHECK (review IN ('none', 'pending', 'approved', 'refused')),
    share_hash  text UNIQUE,
    created     bigint NOT NULL,
    updated     bigint NOT NULL,
    CHECK ((visitor IS NULL) <> (user_id IS NULL))
);
CREATE INDEX my_lists_visitor ON my_lists(visitor);
CREATE INDEX my_lists_user ON my_lists(user_id);
CREATE INDEX my_lists_review ON my_lists(review);

CREATE TABLE my_items (
    id        bigserial PRIMARY KEY,
    list_id   bigint NOT NULL REFERENCES my_lists(id) ON DELETE CASCADE,
    pos       bigint NOT NULL,
    object_id bigint NOT NULL,
    media     text,
    region    text,
    note      text,
    created   bigint NOT NULL
);
CREATE INDEX my_items_list ON my_items(list_id, pos);

-- Comments are content: approving one changes the object's page, so they
-- move the data version.
CREATE TABLE comments (
    id          bigserial PRIMARY KEY,
    object_id   bigint NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    name        text NOT NULL,
    body        text NOT NULL,
    author_user bigint,
    visitor     text,
    address     text,
    state       text NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'approved', 'refused')),
    spam        text,
    created     bigint NOT NULL,
    decided     bigint
);
CREATE INDEX comments_object ON comments(object_id, state);
CREATE INDEX comments_state ON comments(state, id);

CREATE TABLE comment_events (
    id         bigserial PRIMARY KEY,
    comment_id bigint NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    time       bigint NOT NULL,
    actor_id   bigint,
    actor      text,
    event      text NOT NULL CHECK (event IN ('posted', 'held', 'approved', 'refused')),
    reason     text
);
CREATE INDEX comment_events_comment ON comment_events(comment_id);

CREATE TRIGGER comments_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON comments
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
CREATE TRIGGER comment_events_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON comment_events
    FOR EACH STATEMENT EXECUTE FUNCTION vcm_bump();
