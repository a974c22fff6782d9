-- VCM schema, SQLite backend, migration 16: the network itself as data (2).
-- Loans between members (after Spectrum 5, "Loans in" and "Loans out"),
-- travelling exhibitions with an itinerary of venues and an object list
-- per venue, and the exchange programme (offers, requests, placements and
-- their reports). Their history goes into network_history (migration 11).
-- Mirrors schema/pg/016_loans.sql.

-- A travelling exhibition; its venues in order (n from 1), each with its
-- own dates and its own object list.
CREATE TABLE exhibitions (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    curators     TEXT NOT NULL,
    organiser_id INTEGER REFERENCES museums(id) ON DELETE SET NULL,
    description  TEXT,
    demo         INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    created      INTEGER NOT NULL,
    updated      INTEGER NOT NULL
);

CREATE TABLE exhibition_venues (
    exhibition_id INTEGER NOT NULL REFERENCES exhibitions(id) ON DELETE CASCADE,
    n             INTEGER NOT NULL CHECK (n >= 1),
    museum_id     INTEGER NOT NULL REFERENCES museums(id),
    city          TEXT,
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    CHECK (start_date <= end_date),
    PRIMARY KEY (exhibition_id, n)
);

-- What a venue shows. item: the object's key for bookings ('o:ID' for a
-- collection object, 'm:LENDER:INVENTORY' for a lender's object given by
-- its inventory number). The venue (exhibition_id, n) is checked by the
-- store when an object is added.
CREATE TABLE venue_objects (
    exhibition_id INTEGER NOT NULL REFERENCES exhibitions(id) ON DELETE CASCADE,
    n             INTEGER NOT NULL,
    item          TEXT NOT NULL,
    object_id     INTEGER REFERENCES objects(id) ON DELETE SET NULL,
    lender_id     INTEGER NOT NULL REFERENCES museums(id),
    inventory     TEXT,
    label         TEXT,
    PRIMARY KEY (exhibition_id, n, item)
);

-- A loan from a lender to a borrower, both museums, with the information
-- each step of model/loan.h needs. Dates YYYY-MM-DD, inclusive, never open.
CREATE TABLE loans (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL,
    lender_id     INTEGER NOT NULL REFERENCES museums(id),
    borrower_id   INTEGER NOT NULL REFERENCES museums(id),
    state         TEXT NOT NULL CHECK (state IN ('request', 'assessment', 'agreement',
                  'condition_check_out', 'in_transit', 'on_display', 'condition_check_in',
                  'returned', 'cancelled')),
    reason        TEXT NOT NULL,
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    venue         TEXT NOT NULL,
    assessment    TEXT,
    conditions    TEXT,
    insurance     TEXT,
    condition_out TEXT,
    courier_out   TEXT,
    arrival       TEXT,
    courier_in    TEXT,
    condition_in  TEXT,
    cancel_reason TEXT,
    exhibition_id INTEGER REFERENCES exhibitions(id) ON DELETE SET NULL,
    venue_no      INTEGER,
    created_by    TEXT NOT NULL,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    CHECK (lender_id <> borrower_id),
    CHECK (start_date <= end_date)
);
CREATE INDEX loans_lender ON loans(lender_id);
CREATE INDEX loans_borrower ON loans(borrower_id);

-- The objects of a loan (item as in venue_objects).
CREATE TABLE loan_lines (
    loan_id   INTEGER NOT NULL REFERENCES loans(id) ON DELETE CASCADE,
    item      TEXT NOT NULL,
    object_id INTEGER REFERENCES objects(id) ON DELETE SET NULL,
    inventory TEXT,
    label     TEXT,
    PRIMARY KEY (loan_id, item)
);

-- The periods for which objects are booked: one row per line of each loan
-- that holds a booking (from agreement to condition check in). No object
-- is ever booked twice for days in common: the triggers below refuse it
-- whoever writes (PostgreSQL: an exclusion constraint).
CREATE TABLE loan_bookings (
    id         INTEGER PRIMARY KEY,
    loan_id    INTEGER NOT NULL REFERENCES loans(id) ON DELETE CASCADE,
    item       TEXT NOT NULL,
    start_date TEXT NOT NULL CHECK (start_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'
                                    AND start_date >= '1900-01-01'),
    end_date   TEXT NOT NULL CHECK (end_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'
                                  AND end_date <= '2999-12-31'),
    CHECK (start_date <= end_date)
);
-- (PostgreSQL: the exclusion constraint's index)
CREATE INDEX loan_bookings_item ON loan_bookings(item);
CREATE INDEX loan_bookings_loan ON loan_bookings(loan_id);

CREATE TRIGGER loan_bookings_no_overlap_insert BEFORE INSERT ON loan_bookings
WHEN EXISTS (SELECT 1 FROM loan_bookings b WHERE b.item = NEW.item
             AND b.start_date <= NEW.end_date AND NEW.start_date <= b.end_date)
BEGIN
    SELECT RAISE(ABORT, 'loan_bookings_no_overlap: the object is booked for days in common');
END;

CREATE TRIGGER loan_bookings_no_overlap_update BEFORE UPDATE OF item, start_date, end_date
ON loan_bookings
WHEN EXISTS (SELECT 1 FROM loan_bookings b WHERE b.item = NEW.item AND b.id <> OLD.id
             AND b.start_date <= NEW.end_date AND NEW.start_date <= b.end_date)
BEGIN
    SELECT RAISE(ABORT, 'loan_bookings_no_overlap: the object is booked for days in common');
END;

-- The exchange programme: offers and requests of staff placements and
-- education exchanges, by member museums.
CREATE TABLE exchange_posts (
    id         INTEGER PRIMARY KEY,
    museum_id  INTEGER NOT NULL REFERENCES museums(id) ON DELETE CASCADE,
    offer      INTEGER NOT NULL CHECK (offer IN (0, 1)),
    host       INTEGER NOT NULL CHECK (host IN (0, 1)),
    kind       TEXT NOT NULL CHECK (kind IN ('placement', 'education')),
    topic      TEXT NOT NULL,
    skills     TEXT,
    languages  TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    open       INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1)),
    created_by TEXT NOT NULL,
    created    INTEGER NOT NULL,
    CHECK (start_date <= end_date)
);

-- A placement agreed from an offer and a request, and its reports.
CREATE TABLE placements (
    id         INTEGER PRIMARY KEY,
    offer_id   INTEGER NOT NULL REFERENCES exchange_posts(id),
    request_id INTEGER NOT NULL REFERENCES exchange_posts(id),
    host_id    INTEGER NOT NULL REFERENCES museums(id),
    home_id    INTEGER NOT NULL REFERENCES museums(id),
    score      INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created    INTEGER NOT NULL
);

CREATE TABLE placement_reports (
    id           INTEGER PRIMARY KEY,
    placement_id INTEGER NOT NULL REFERENCES placements(id) ON DELETE CASCADE,
    author       TEXT NOT NULL,
    body         TEXT NOT NULL,
    created      INTEGER NOT NULL
);
