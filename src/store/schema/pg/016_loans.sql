-- VCM schema, PostgreSQL backend, migration 16: the network itself as data (2).
-- Loans between members (after Spectrum 5, "Loans in" and "Loans out"),
-- travelling exhibitions with an itinerary of venues and an object list
-- per venue, and the exchange programme (offers, requests, placements and
-- their reports). Their history goes into network_history (migration 11).
-- Mirrors schema/sqlite/016_loans.sql. btree_gist (in Debian's postgresql
-- package) lets one exclusion constraint compare the item by equality and
-- the period by overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A travelling exhibition; its venues in order (n from 1), each with its
-- own dates and its own object list.
CREATE TABLE exhibitions (
    id           bigserial PRIMARY KEY,
    title        text NOT NULL,
    curators     text NOT NULL,
    organiser_id bigint REFERENCES museums(id) ON DELETE SET NULL,
    description  text,
    demo         bigint NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    created      bigint NOT NULL,
    updated      bigint NOT NULL
);

CREATE TABLE exhibition_venues (
    exhibition_id bigint NOT NULL REFERENCES exhibitions(id) ON DELETE CASCADE,
    n             bigint NOT NULL CHECK (n >= 1),
    museum_id     bigint NOT NULL REFERENCES museums(id),
    city          text,
    start_date    text NOT NULL,
    end_date      text NOT NULL,
    CHECK (start_date <= end_date),
    PRIMARY KEY (exhibition_id, n)
);

-- What a venue shows. item: the object's key for bookings ('o:ID' for a
-- collection object, 'm:LENDER:INVENTORY' for a lender's object given by
-- its inventory number). The venue (exhibition_id, n) is checked by the
-- store when an object is added.
CREATE TABLE venue_objects (
    exhibition_id bigint NOT NULL REFERENCES exhibitions(id) ON DELETE CASCADE,
    n             bigint NOT NULL,
    item          text NOT NULL,
    object_id     bigint REFERENCES objects(id) ON DELETE SET NULL,
    lender_id     bigint NOT NULL REFERENCES museums(id),
    inventory     text,
    label         text,
    PRIMARY KEY (exhibition_id, n, item)
);

-- A loan from a lender to a borrower, both museums, with the information
-- each step of model/loan.h needs. Dates YYYY-MM-DD, inclusive, never open.
CREATE TABLE loans (
    id            bigserial PRIMARY KEY,
    number        text NOT NULL,
    lender_id     bigint NOT NULL REFERENCES museums(id),
    borrower_id   bigint NOT NULL REFERENCES museums(id),
    state         text NOT NULL CHECK (state IN ('request', 'assessment', 'agreement',
                  'condition_check_out', 'in_transit', 'on_display', 'condition_check_in',
                  'returned', 'cancelled')),
    reason        text NOT NULL,
    start_date    text NOT NULL,
    end_date      text NOT NULL,
    venue         text NOT NULL,
    assessment    text,
    conditions    text,
    insurance     text,
    condition_out text,
    courier_out   text,
    arrival       text,
    courier_in    text,
    condition_in  text,
    cancel_reason text,
    exhibition_id bigint REFERENCES exhibitions(id) ON DELETE SET NULL,
    venue_no      bigint,
    created_by    text NOT NULL,
    created       bigint NOT NULL,
    updated       bigint NOT NULL,
    CHECK (lender_id <> borrower_id),
    CHECK (start_date <= end_date)
);
CREATE INDEX loans_lender ON loans(lender_id);
CREATE INDEX loans_borrower ON loans(borrower_id);

-- The objects of a loan (item as in venue_objects).
CREATE TABLE loan_lines (
    loan_id   bigint NOT NULL REFERENCES loans(id) ON DELETE CASCADE,
    item      text NOT NULL,
    object_id bigint REFERENCES objects(id) ON DELETE SET NULL,
    inventory text,
    label     text,
    PRIMARY KEY (loan_id, item)
);

-- The periods for which objects are booked: one row per line of each loan
-- that holds a booking (from agreement to condition check in). No object
-- is ever booked twice for days in common: the exclusion constraint refuses
-- it whoever writes (SQLite: triggers).
CREATE TABLE loan_bookings (
    id         bigserial PRIMARY KEY,
    loan_id    bigint NOT NULL REFERENCES loans(id) ON DELETE CASCADE,
    item       text NOT NULL,
    start_date date NOT NULL CHECK (start_date >= DATE '1900-01-01'),
    end_date   date NOT NULL CHECK (end_date <= DATE '2999-12-31'),
    CHECK (start_date <= end_date),
    CONSTRAINT loan_bookings_no_overlap EXCLUDE USING gist
        (item WITH =, daterange(start_date, end_date, '[]') WITH &&)
);
CREATE INDEX loan_bookings_loan ON loan_bookings(loan_id);

-- The exchange programme: offers and requests of staff placements and
-- education exchanges, by member museums.
CREATE TABLE exchange_posts (
    id         bigserial PRIMARY KEY,
    museum_id  bigint NOT NULL REFERENCES museums(id) ON DELETE CASCADE,
    offer      bigint NOT NULL CHECK (offer IN (0, 1)),
    host       bigint NOT NULL CHECK (host IN (0, 1)),
    kind       text NOT NULL CHECK (kind IN ('placement', 'education')),
    topic      text NOT NULL,
    skills     text,
    languages  text NOT NULL,
    start_date text NOT NULL,
    end_date   text NOT NULL,
    open       bigint NOT NULL DEFAULT 1 CHECK (open IN (0, 1)),
    created_by text NOT NULL,
    created    bigint NOT NULL,
    CHECK (start_date <= end_date)
);

-- A placement agreed from an offer and a request, and its reports.
CREATE TABLE placements (
    id         bigserial PRIMARY KEY,
    offer_id   bigint NOT NULL REFERENCES exchange_posts(id),
    request_id bigint NOT NULL REFERENCES exchange_posts(id),
    host_id    bigint NOT NULL REFERENCES museums(id),
    home_id    bigint NOT NULL REFERENCES museums(id),
    score      bigint NOT NULL,
    created_by text NOT NULL,
    created    bigint NOT NULL
);

CREATE TABLE placement_reports (
    id           bigserial PRIMARY KEY,
    placement_id bigint NOT NULL REFERENCES placements(id) ON DELETE CASCADE,
    author       text NOT NULL,
    body         text NOT NULL,
    created      bigint NOT NULL
);
