/* What the site tells search engines and the places a link is shared to,
 * over real HTTP against the real `vcm serve`: each page's description and
 * Open Graph tags (escaped, absolute, from the configured base URL), the
 * object's JSON-LD (its image and its rights), /robots.txt, and the sitemap
 * cut into files at a lowered limit, with drafts and withdrawn records left
 * out. The records come through an export read back, so that some of them
 * are drafts and withdrawn as a database would hold them. */
#include "testutil.h"

#include <jansson.h>

#define BASE "https://vcm.example.org"
#define LIMIT 5

static char *dir;
static char db[1024];
static struct vt_server split, whole;
/* ids by source id, from the export (drafts included) */
static json_t *ids;

#define MET "\"source_museum\": \"The Metropolitan Museum of Art\", \"source_country\": \"US\", "
#define PD "\"license\": \"CC0-1.0 (metadata); object is public domain: True\""
#define TITLE "A \\\"quoted\\\" <b>bold</b> & 'tick'"
/* as an HTML attribute holds it */
#define TITLE_ATTR "A &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt; &amp; &#39;tick&#39;"

static const char *records =
    "{" MET "\"source_id\": \"s-quote\", \"title\": \"" TITLE "\", \"artist\": \"Kim <Hong-do> & "
    "Co\", \"date_text\": \"1780\", \"date_start\": 1780, \"date_end\": 1780, " PD "}\n"
    "{" MET "\"source_id\": \"s-plain\", \"title\": \"Plain bowl\", \"culture\": \"Korea, "
    "Joseon dynasty (1392–1910)\", \"image_url\": "
    "\"https://images.example.org/plain.jpg\", " PD "}\n"
    "{" MET "\"source_id\": \"d-draft\", \"title\": \"A draft\", " PD "}\n"
    "{" MET "\"source_id\": \"d-gone\", \"title\": \"Withdrawn\", " PD "}\n"
    "{" MET "\"source_id\": \"m1\", \"title\": \"One\", " PD "}\n"
    "{" MET "\"source_id\": \"m2\", \"title\": \"Two\", " PD "}\n"
    "{" MET "\"source_id\": \"m3\", \"title\": \"Three\", " PD "}\n"
    "{" MET "\"source_id\": \"m4\", \"title\": \"Four\", " PD "}\n"
    "{" MET "\"source_id\": \"m5\", \"title\": \"Five\", " PD "}\n"
    "{" MET "\"source_id\": \"m6\", \"title\": \"Six\", " PD "}\n"
    "{\"source_museum\": \"Kim's \\\"House\\\" <of> Art & Craft\", \"source_country\": \"KR\", "
    "\"source_id\": \"k1\", \"title\": \"Moon jar\"}\n"
    "{\"source_museum\": \"Kim's \\\"House\\\" <of> Art & Craft\", \"source_country\": \"KR\", "
    "\"source_id\": \"k2\", \"title\": \"Brush pot\"}\n";

static long id_of(const char *source_id)
{
    json_t *v = json_object_get(ids, source_id);
    assert_non_null(v);
    return (long)json_integer_value(v);
}

/* `vcm serve` on the test's database and images, with the base URL set
 * and, when limit is not NULL, the sitemap's files cut at that many URLs. */
static void start(struct vt_server *s, const char *limit)
{
    s->port = vt_free_port();
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        char listen[32], media[800], node[800], index[800];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
        snprintf(media, sizeof media, "%s/media", dir);
        snprintf(node, sizeof node, "%s/node-%d", dir, s->port);
        snprintf(index, sizeof index, "%s/index-%d", dir, s->port);
        setenv("VCM_BASE_URL", BASE, 1);
        if (limit)
            setenv("VCM_SITEMAP_URLS", limit, 1);
        execl(vt_bin(), vt_bin(), "serve", "--db", db, "--listen", listen, "--log-level", "warn",
              "--media", media, "--node-dir", node, "--index", index, (char *)NULL);
        _exit(127);
    }
    vt_server_wait(s);
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    char path[700], first[1024], *out = NULL;
    snprintf(path, sizeof path, "%s/records.jsonl", dir);
    vt_write_file(path, records);
    vt_db_url(first, sizeof first, dir, "first");
    if (vt_sh(&out, "%s import --quiet --db '%s' %s && %s export --db '%s' %s/all.jsonl", vt_bin(),
              first, path, vt_bin(), first, dir) != 0)
        fail_msg("import or export failed: %s", out);
    free(out);
    /* one draft and one withdrawn record, as a database holds them */
    if (vt_sh(&out,
              "sed -e '/\"source_id\":\"d-draft\"/s/\"status\":\"published\"/\"status\":\"draft\"/' "
              "-e '/\"source_id\":\"d-gone\"/s/\"status\":\"published\"/\"status\":\"withdrawn\"/' "
              "%s/all.jsonl > %s/some.jsonl && grep -c '\"status\":\"draft\"' %s/some.jsonl && "
              "grep -c '\"status\":\"withdrawn\"' %s/some.jsonl",
              dir, dir, dir, dir) != 0)
        fail_msg("cannot mark the draft and the withdrawn record: %s", out);
    free(out);
    vt_db_url(db, sizeof db, dir, "share");
    char img[700];
    snprintf(img, sizeof img, "%s/images/met/MET-36520.jpg", vt_data());
    /* the export keeps no links to images at the museum: s-plain's again */
    if (vt_sh(&out, "%s import --quiet --db '%s' %s/some.jsonl && "
                    "grep -F '\"s-plain\"' %s/records.jsonl > %s/plain.jsonl && "
                    "%s import --quiet --db '%s' %s/plain.jsonl && "
                    "%s media add --quiet --db '%s' --media %s/media source:s-quote '%s' --id jade-q "
                    "--rights http://creativecommons.org/licenses/by/4.0/ --attribution 'NPM & co'",
              vt_bin(), db, dir, dir, dir, vt_bin(), db, dir, vt_bin(), db, dir, img) != 0)
        fail_msg("import or media add failed: %s", out);
    free(out);

    ids = json_object();
    snprintf(path, sizeof path, "%s/some.jsonl", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        json_t *j = json_loads(line, 0, NULL);
        assert_non_null(j);
        if (strcmp(json_string_value(json_object_get(j, "type")), "object") == 0)
            json_object_set(ids, json_string_value(json_object_get(j, "source_id")),
                            json_object_get(j, "id"));
        json_decref(j);
    }
    fclose(f);
    assert_int_equal(json_object_size(ids), 12);
    start(&split, "5");
    start(&whole, NULL);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    assert_int_equal(vt_server_stop(&split), 0);
    assert_int_equal(vt_server_stop(&whole), 0);
    json_decref(ids);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* The value of <meta {attr}="{name}" content="…"> in body, or NULL; the
 * caller frees it. */
static char *meta(const char *body, const char *attr, const char *name)
{
    char key[200];
    snprintf(key, sizeof key, "<meta %s=\"%s\" content=\"", attr, name);
    const char *p = strstr(body, key);
    if (!p)
        return NULL;
    p += strlen(key);
    const char *e = strchr(p, '"');
    assert_non_null(e);
    return strndup(p, (size_t)(e - p));
}

/* Checks the head every page has: its own description and title for
 * sharing, absolute URLs on the configured base. Returns the description. */
static char *check_head(const struct vt_resp *r, const char *url)
{
    assert_int_equal(r->status, 200);
    char *desc = meta(r->body, "name", "description");
    assert_non_null(desc);
    char *og = meta(r->body, "property", "og:description");
    assert_non_null(og);
    assert_string_equal(desc, og);
    free(og);
    const char *need[] = {"og:title", "og:type", "og:locale", "og:site_name"};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
        char *v = meta(r->body, "property", need[i]);
        if (!v || !*v)
            fail_msg("%s has no %s", url, need[i]);
        free(v);
    }
    char *loc = meta(r->body, "property", "og:locale");
    assert_string_equal(loc, "en_GB");
    free(loc);
    char *u = meta(r->body, "property", "og:url");
    assert_non_null(u);
    assert_string_equal(u, url);
    free(u);
    char link[600];
    snprintf(link, sizeof link, "<link rel=\"canonical\" href=\"%s\">", url);
    assert_contains(r->body, link);
    return desc;
}

static struct vt_resp get(const char *path)
{
    return vt_get(&split, path);
}

static void test_object_head(void **state)
{
    (void)state;
    char path[64], url[128];
    snprintf(path, sizeof path, "/objects/%ld", id_of("s-quote"));
    snprintf(url, sizeof url, BASE "%s", path);
    struct vt_resp r = get(path);
    char *desc = check_head(&r, url);
    assert_string_equal(desc, TITLE_ATTR " by Kim &lt;Hong-do&gt; &amp; Co, 1780, held by The "
                              "Metropolitan Museum of Art.");
    free(desc);
    char *t = meta(r.body, "property", "og:title");
    assert_string_equal(t, TITLE_ATTR);
    free(t);
    char *img = meta(r.body, "property", "og:image");
    assert_non_null(img);
    assert_string_equal(img, BASE "/iiif/jade-q/full/!1200,1200/0/default.jpg");
    free(img);
    /* 1909 x 1268 fitted into 1200 x 1200, as the IIIF server makes it */
    char *w = meta(r.body, "property", "og:image:width"), *h = meta(r.body, "property",
                                                                      "og:image:height");
    assert_string_equal(w, "1200");
    assert_string_equal(h, "797");
    free(w);
    free(h);
    char *alt = meta(r.body, "property", "og:image:alt");
    assert_string_equal(alt, TITLE_ATTR);
    free(alt);
    struct vt_resp i = get("/iiif/jade-q/full/!1200,1200/0/default.jpg");
    assert_int_equal(i.status, 200);
    assert_contains(vt_header(&i, "Content-Type"), "image/jpeg");
    vt_resp_free(&i);
    assert_not_contains(r.body, "content=\"A \"quoted");
    vt_resp_free(&r);

    /* no image held: none shared, not even the museum's */
    snprintf(path, sizeof path, "/objects/%ld", id_of("s-plain"));
    snprintf(url, sizeof url, BASE "%s", path);
    r = get(path);
    desc = check_head(&r, url);
    assert_string_equal(desc, "Plain bowl, held by The Metropolitan Museum of Art.");
    free(desc);
    assert_null(meta(r.body, "property", "og:image"));
    vt_resp_free(&r);
}

/* The JSON-LD of a page, parsed. */
static json_t *jsonld(const char *body)
{
    const char *open = "<script type=\"application/ld+json\">";
    const char *p = strstr(body, open);
    assert_non_null(p);
    p += strlen(open);
    const char *e = strstr(p, "</script>");
    assert_non_null(e);
    json_error_t err;
    json_t *j = json_loadb(p, (size_t)(e - p), 0, &err);
    if (!j)
        fail_msg("the JSON-LD does not parse: %s", err.text);
    return j;
}

static const char *str(json_t *j, const char *key)
{
    const char *v = json_string_value(json_object_get(j, key));
    if (!v)
        fail_msg("no string %s in the JSON-LD", key);
    return v;
}

static void test_jsonld(void **state)
{
    (void)state;
    char path[64], want[200];
    long id = id_of("s-quote");
    snprintf(path, sizeof path, "/api/v1/objects/%ld", id);
    struct vt_resp a = get(path);
    assert_int_equal(a.status, 200);
    json_t *api = json_loads(a.body, 0, NULL);
    assert_non_null(api);
    json_t *media = json_array_get(json_object_get(api, "media"), 0);
    assert_non_null(media);
    json_int_t mw = json_integer_value(json_object_get(media, "width"));
    json_int_t mh = json_integer_value(json_object_get(media, "height"));
    assert_true(mw > 0 && mh > 0);

    snprintf(path, sizeof path, "/objects/%ld", id);
    struct vt_resp r = get(path);
    assert_int_equal(r.status, 200);
    json_t *j = jsonld(r.body);
    assert_string_equal(str(j, "@context"), "https://schema.org");
    assert_string_equal(str(j, "@type"), "VisualArtwork");
    snprintf(want, sizeof want, BASE "/objects/%ld", id);
    assert_string_equal(str(j, "@id"), want);
    json_t *name = json_array_get(json_object_get(j, "name"), 0);
    assert_string_equal(str(name, "@value"), "A \"quoted\" <b>bold</b> & 'tick'");
    /* the image held, its size, and its own rights apart from the object's */
    json_t *im = json_object_get(j, "image");
    assert_non_null(im);
    assert_string_equal(str(im, "@type"), "ImageObject");
    assert_string_equal(str(im, "contentUrl"), BASE "/iiif/jade-q/full/max/0/default.jpg");
    assert_string_equal(str(im, "thumbnailUrl"), BASE "/iiif/jade-q/full/!400,400/0/default.jpg");
    assert_int_equal(json_integer_value(json_object_get(im, "width")), mw);
    assert_int_equal(json_integer_value(json_object_get(im, "height")), mh);
    assert_string_equal(str(im, "license"), "http://creativecommons.org/licenses/by/4.0/");
    assert_string_equal(str(im, "creditText"), "NPM & co");
    /* the object's rights, as stored, and the record's licence apart */
    assert_string_equal(str(j, "license"), json_string_value(json_object_get(api, "rights")));
    assert_contains(str(j, "license"), "creativecommons.org/publicdomain/");
    json_t *rec = json_object_get(j, "subjectOf");
    assert_non_null(rec);
    assert_string_equal(str(rec, "license"), "https://spdx.org/licenses/CC0-1.0");
    snprintf(want, sizeof want, BASE "/api/v1/objects/%ld", id);
    assert_string_equal(str(rec, "url"), want);
    json_decref(j);
    json_decref(api);
    vt_resp_free(&r);
    vt_resp_free(&a);

    /* the museum's image is not claimed as one held here */
    snprintf(path, sizeof path, "/objects/%ld", id_of("s-plain"));
    r = get(path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "https://images.example.org/plain.jpg"); /* linked on the page */
    j = jsonld(r.body);
    assert_null(json_object_get(j, "image"));
    /* where it comes from, not where it is held (the Met, in the US) */
    json_t *from = json_object_get(j, "countryOfOrigin");
    assert_non_null(from);
    assert_string_equal(str(from, "@type"), "Country");
    assert_string_equal(str(from, "identifier"), "KR");
    json_t *made = json_object_get(j, "locationCreated");
    assert_non_null(made);
    assert_string_equal(str(made, "name"), "East Asia");
    assert_contains(str(made, "description"), "Joseon");
    char *dump = json_dumps(j, 0);
    assert_not_contains(dump, "images.example.org");
    free(dump);
    json_decref(j);
    vt_resp_free(&r);

    /* a record without rights in the object claims none */
    snprintf(path, sizeof path, "/objects/%ld", id_of("k1"));
    r = get(path);
    j = jsonld(r.body);
    assert_null(json_object_get(j, "image"));
    json_decref(j);
    vt_resp_free(&r);
}

static void test_page_heads(void **state)
{
    (void)state;
    struct vt_resp r = get("/");
    char *d = check_head(&r, BASE "/");
    assert_string_equal(d, "10 objects from 2 museums in 2 countries: masterpieces of Asian art, "
                           "free for everyone to see.");
    free(d);
    vt_resp_free(&r);

    r = get("/browse");
    d = check_head(&r, BASE "/browse");
    assert_contains(d, "All 10 objects of the collection");
    free(d);
    vt_resp_free(&r);

    /* a museum whose name needs escaping, in a filter, on its page */
    long kim = 0;
    r = get("/api/v1/museums");
    json_t *ms = json_loads(r.body, 0, NULL);
    assert_non_null(ms);
    size_t i;
    json_t *m;
    json_t *items = json_is_array(ms) ? ms : json_object_get(ms, "items");
    json_array_foreach(items, i, m)
        if (strstr(json_string_value(json_object_get(m, "name")), "Kim"))
            kim = (long)json_integer_value(json_object_get(m, "id"));
    json_decref(ms);
    vt_resp_free(&r);
    assert_true(kim > 0);
    char path[64], url[128];
    snprintf(path, sizeof path, "/browse?museum=%ld", kim);
    r = get(path);
    snprintf(url, sizeof url, BASE "%s", path);
    d = check_head(&r, url);
    assert_string_equal(d, "2 objects of the collection for Museum: Kim&#39;s &quot;House&quot; "
                           "&lt;of&gt; Art &amp; Craft.");
    free(d);
    vt_resp_free(&r);

    snprintf(path, sizeof path, "/museums/%ld", kim);
    snprintf(url, sizeof url, BASE "%s", path);
    r = get(path);
    d = check_head(&r, url);
    assert_contains(d, "Kim&#39;s &quot;House&quot; &lt;of&gt; Art &amp; Craft, ");
    assert_contains(d, ": 2 objects in the collection.");
    free(d);
    vt_resp_free(&r);

    const char *lists[][2] = {
        {"/museums", "The 2 museums of the network"},
        {"/countries", "The 2 countries whose museums"},
        {"/countries/KR", "(museums: 1, objects: 2)."},
        {"/regions/asia", "Countries of the network in Asia, their museums and objects in the collection (museums: 1, objects: 2)."},
    };
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
        r = get(lists[k][0]);
        snprintf(url, sizeof url, BASE "%s", lists[k][0]);
        d = check_head(&r, url);
        assert_contains(d, lists[k][1]);
        free(d);
        vt_resp_free(&r);
    }

    /* the search: what was asked, escaped */
    r = get("/search?q=%22quoted%22+%3Cb%3E");
    d = check_head(&r, BASE "/search?q=%22quoted%22+%3Cb%3E");
    assert_contains(d, "Search results for “&quot;quoted&quot; &lt;b&gt;” in the collection");
    free(d);
    vt_resp_free(&r);
}

/* A Host header never reaches a page when the base URL is configured. */
static void test_configured_base(void **state)
{
    (void)state;
    char url[128];
    snprintf(url, sizeof url, "%s/", split.base);
    struct vt_resp r = vt_http("GET", url, NULL, "Host: evil.example");
    assert_int_equal(r.status, 200);
    assert_not_contains(r.body, "evil.example");
    vt_resp_free(&r);
    snprintf(url, sizeof url, "%s/robots.txt", split.base);
    r = vt_http("GET", url, NULL, "Host: evil.example");
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "text/plain");
    assert_contains(r.body, "Sitemap: " BASE "/sitemap.xml\n");
    assert_not_contains(r.body, "evil.example");
    vt_resp_free(&r);
}

/* Every <loc> of an XML document, appended to locs; returns how many. */
static size_t locs_of(const char *body, json_t *locs)
{
    size_t n = 0;
    for (const char *p = body; (p = strstr(p, "<loc>")); n++) {
        p += 5;
        const char *e = strstr(p, "</loc>");
        assert_non_null(e);
        json_array_append_new(locs, json_stringn(p, (size_t)(e - p)));
    }
    return n;
}

static bool has(json_t *locs, const char *url)
{
    size_t i;
    json_t *v;
    json_array_foreach(locs, i, v)
        if (strcmp(json_string_value(v), url) == 0)
            return true;
    return false;
}

/* The URLs every sitemap must list, and those it must not. */
static void check_urls(json_t *locs)
{
    /* 4 lists, 2 regions, 2 museums, 2 countries, 10 published objects */
    assert_int_equal(json_array_size(locs), 20);
    for (size_t i = 0; i < json_array_size(locs); i++)
        for (size_t k = i + 1; k < json_array_size(locs); k++)
            assert_string_not_equal(json_string_value(json_array_get(locs, i)),
                                    json_string_value(json_array_get(locs, k)));
    const char *pages[] = {BASE "/", BASE "/browse", BASE "/museums", BASE "/countries",
                           BASE "/countries/KR", BASE "/countries/US", BASE "/regions/asia",
                           BASE "/regions/other"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++)
        if (!has(locs, pages[i]))
            fail_msg("the sitemap lacks %s", pages[i]);
    const char *key;
    json_t *v;
    json_object_foreach(ids, key, v) {
        char url[128];
        snprintf(url, sizeof url, BASE "/objects/%lld", (long long)json_integer_value(v));
        bool hidden = strncmp(key, "d-", 2) == 0;
        if (has(locs, url) == hidden)
            fail_msg("%s is %s the sitemap", key, hidden ? "in" : "missing from");
    }
}

static void test_sitemap_split(void **state)
{
    (void)state;
    struct vt_resp r = get("/sitemap.xml");
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "application/xml");
    assert_contains(r.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex "
                            "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    json_t *files = json_array();
    assert_int_equal(locs_of(r.body, files), 4); /* 20 URLs, 5 a file */
    vt_resp_free(&r);
    json_t *locs = json_array();
    for (size_t k = 0; k < 4; k++) {
        char want[80];
        snprintf(want, sizeof want, BASE "/sitemaps/%zu.xml", k + 1);
        assert_string_equal(json_string_value(json_array_get(files, k)), want);
        r = get(want + strlen(BASE));
        assert_int_equal(r.status, 200);
        assert_contains(r.body, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
                                "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">");
        assert_int_equal(locs_of(r.body, locs), LIMIT);
        vt_resp_free(&r);
    }
    json_decref(files);
    check_urls(locs);
    json_decref(locs);

    /* lastmod: the object's updated time */
    char path[64], entry[300];
    long id = id_of("m3");
    snprintf(path, sizeof path, "/api/v1/objects/%ld", id);
    r = get(path);
    json_t *o = json_loads(r.body, 0, NULL);
    assert_non_null(o);
    snprintf(entry, sizeof entry, "<url><loc>" BASE "/objects/%ld</loc><lastmod>%s</lastmod></url>",
             id, json_string_value(json_object_get(o, "updated")));
    json_decref(o);
    vt_resp_free(&r);
    bool found = false;
    for (int k = 1; k <= 4; k++) {
        snprintf(path, sizeof path, "/sitemaps/%d.xml", k);
        r = get(path);
        found = found || strstr(r.body, entry);
        vt_resp_free(&r);
    }
    if (!found)
        fail_msg("no sitemap file holds %s", entry);

    const char *missing[] = {"/sitemaps/5.xml",    "/sitemaps/0.xml",    "/sitemaps/x.xml",
                             "/sitemaps/1",        "/sitemaps/01.xml",   "/sitemaps/1.xml.gz",
                             "/sitemaps/99999999999999999999.xml"};
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++) {
        r = get(missing[i]);
        if (r.status != 404)
            fail_msg("%s answered %ld", missing[i], r.status);
        vt_resp_free(&r);
    }
}

static void test_sitemap_whole(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&whole, "/sitemap.xml");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
                            "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">");
    assert_not_contains(r.body, "<sitemapindex");
    json_t *locs = json_array();
    locs_of(r.body, locs);
    check_urls(locs);
    json_decref(locs);
    vt_resp_free(&r);
    r = vt_get(&whole, "/sitemaps/1.xml");
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
    r = vt_get(&whole, "/sitemaps/2.xml");
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_object_head),
        cmocka_unit_test(test_jsonld),
        cmocka_unit_test(test_page_heads),
        cmocka_unit_test(test_configured_base),
        cmocka_unit_test(test_sitemap_split),
        cmocka_unit_test(test_sitemap_whole),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
