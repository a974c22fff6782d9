/* The network's feeds as text: iCalendar (RFC 5545) for upcoming meetings
 * and Atom (RFC 4287) for news. Pure writers into a capped buffer; no SQL
 * and no HTTP here. */
#ifndef VCM_MODEL_ICAL_H
#define VCM_MODEL_ICAL_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "model/governance.h"

/* One event of a day or days (the network's meetings are known to the day,
 * not the hour): DTSTART;VALUE=DATE, and DTEND the day after the last. */
typedef struct vcm_ical_event {
    const char *uid;       /* unique and stable: "meeting-12@host" */
    vcm_gdate start, end;  /* full dates; end unknown (y = 0): one day */
    const char *summary;   /* required */
    const char *location, *description, *url; /* NULL: left out */
} vcm_ical_event;

/* Writes a VCALENDAR of the n events into b: CRLF line ends, lines folded
 * at 75 octets (never inside a UTF-8 sequence), TEXT values escaped
 * (backslash, semicolon, comma, new line), control characters left out.
 * stamp: the DTSTAMP of every event (Unix seconds, written in UTC).
 * An event whose start is not a full date is left out (it cannot be placed
 * on a day). Returns 0, or -1 when b's cap is reached or an event has no
 * uid or summary (b then holds part of the calendar). */
int vcm_ical_write(vcm_buf *b, const char *prodid, const char *name, int64_t stamp,
                   const vcm_ical_event *ev, size_t n);

typedef struct vcm_atom_entry {
    const char *id;        /* an IRI: the entry's page as an absolute URL */
    const char *title, *summary; /* text; summary NULL: left out */
    const char *author;    /* NULL: the feed's */
    const char *link;      /* the page (rel alternate); NULL: none */
    int64_t updated, published; /* Unix seconds; published 0: left out */
} vcm_atom_entry;

typedef struct vcm_atom_feed {
    const char *id, *title, *author; /* id: an IRI; author required */
    const char *self, *alternate;    /* absolute URLs of the feed and its page */
    const char *lang;                /* xml:lang, NULL: none */
    int64_t updated;                 /* the newest entry's, or now when none */
} vcm_atom_feed;

/* Writes the Atom feed with its n entries into b (UTF-8, XML escaped;
 * characters XML does not allow are left out). Returns 0, or -1 when b's cap
 * is reached or a required field is missing. */
int vcm_atom_write(vcm_buf *b, const vcm_atom_feed *f, const vcm_atom_entry *e, size_t n);
#endif
