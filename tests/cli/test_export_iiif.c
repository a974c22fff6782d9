/* vcm export-iiif: every published image as IIIF level-0 files at the live
 * server's paths, the manifests and collections, incremental re-runs. The
 * fixture: three records with images, one of them smaller than a tile. The
 * files are compared with what `vcm serve` answers for the same URLs. */
#include "testutil.h"

#include <jansson.h>
#include <math.h>

#define BASE "http://static.example.org/vcm"

static char *dir;
static char db[1024], media[700], out[800];
static struct vt_server srv;

static int add(const char *object, const char *file, const char *id)
{
    char *o;
    int rc = vt_sh(&o, "%s media add --quiet --db '%s' --media %s '%s' %s/images/npm_taipei/%s --id '%s'",
                   vt_bin(), db, media, object, vt_data(), file, id);
    if (rc != 0)
        fail_msg("media add %s: %s", file, o);
    free(o);
    return rc;
}

/* Runs vcm export-iiif DIR with args; its exit status, output in *o. */
static int export(char **o, const char *args)
{
    return vt_sh(o, "%s export-iiif --quiet --db '%s' --media %s %s %s", vt_bin(), db, media,
                 args, out);
}

/* Runs one statement that changes the store, with the backend's client. */
static void db_exec(const char *sql)
{
    char *o;
    int rc = strncmp(db, "sqlite:", 7) == 0
                 ? vt_sh(&o, "sqlite3 -cmd '.timeout 10000' '%s' \"%s\"", db + 7, sql)
                 : vt_sh(&o, "psql -X -q -d '%s' -c \"%s\"", db, sql);
    if (rc != 0)
        fail_msg("%s: %s", sql, o);
    free(o);
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "t");
    snprintf(media, sizeof media, "%s/media", dir);
    snprintf(out, sizeof out, "%s/site", dir);
    char *o;
    if (vt_sh(&o, "grep 'National Palace Museum' %s/collection.jsonl | head -40 > %s/npm.jsonl && "
                  "%s import --quiet --db '%s' %s/npm.jsonl",
              vt_data(), dir, vt_bin(), db, dir) != 0)
        fail_msg("import failed: %s", o);
    free(o);
    add("古玉3888", "jade070_00.jpg", "jade-a");        /* 1088 x 816: 4 levels of tiles */
    add("source:古玉0636", "jade001_00_w250.jpg", "small one"); /* 250 x 188: under a tile */
    add("source:古玉2471", "jade001_01_w250.jpg", "spare");
    srv.port = vt_free_port();
    snprintf(srv.base, sizeof srv.base, "http://127.0.0.1:%d", srv.port);
    srv.pid = fork();
    if (srv.pid == 0) {
        char listen[32], node[800];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", srv.port);
        snprintf(node, sizeof node, "%s/node", dir);
        execl(vt_bin(), vt_bin(), "serve", "--db", db, "--media", media, "--node-dir", node,
              "--listen", listen, "--log-level", "warn", (char *)NULL);
        _exit(127);
    }
    vt_server_wait(&srv);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    assert_int_equal(vt_server_stop(&srv), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static bool exists(const char *rel)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", out, rel);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static json_t *load(const char *rel)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", out, rel);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j)
        fail_msg("%s: %s", rel, e.text);
    return j;
}

static int64_t mtime(const char *rel)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", out, rel);
    struct stat st;
    if (stat(path, &st) != 0)
        fail_msg("no %s", rel);
    return (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

/* The size of a JPEG file as libvips reads it (decoding it): "WxH". */
static void jpeg_size(const char *rel, int w, int h)
{
    char *o;
    char want[64];
    snprintf(want, sizeof want, "%dx%d", w, h);
    if (vt_sh(&o, "vips avg '%s/%s' > /dev/null && "
                  "vipsheader -f width '%s/%s' && vipsheader -f height '%s/%s' && "
                  "vipsheader -f vips-loader '%s/%s'",
              out, rel, out, rel, out, rel, out, rel) != 0)
        fail_msg("%s does not decode: %s", rel, o);
    int gw = 0, gh = 0;
    char loader[64] = "";
    sscanf(o, "%d %d %63s", &gw, &gh, loader);
    if (gw != w || gh != h || strcmp(loader, "jpegload") != 0)
        fail_msg("%s: %dx%d %s, expected %s jpegload", rel, gw, gh, loader, want);
    free(o);
}

/* The URLs OpenSeadragon 6 asks for a IIIF 3 level-0 info.json with one
 * tile size (IIIFTileSource.getTileUrl), written from its code: every
 * level from the largest scale factor down, each tile. Calls fn for each
 * "region/size". */
static int osd_urls(json_t *info, void (*fn)(const char *url, int w, int h, void *ud), void *ud)
{
    int W = (int)json_integer_value(json_object_get(info, "width"));
    int H = (int)json_integer_value(json_object_get(info, "height"));
    json_t *t = json_array_get(json_object_get(info, "tiles"), 0);
    int tw = (int)json_integer_value(json_object_get(t, "width"));
    int th = json_object_get(t, "height") ? (int)json_integer_value(json_object_get(t, "height"))
                                          : tw;
    json_t *sf = json_object_get(t, "scaleFactors");
    int maxf = 1;
    for (size_t i = 0; i < json_array_size(sf); i++)
        if (json_integer_value(json_array_get(sf, i)) > maxf)
            maxf = (int)json_integer_value(json_array_get(sf, i));
    int maxlevel = 0;
    while ((1 << maxlevel) < maxf)
        maxlevel++;
    int count = 0;
    for (int level = 0; level <= maxlevel; level++) {
        double scale = 1.0 / (1 << (maxlevel - level));
        int lw = (int)ceil(W * scale), lh = (int)ceil(H * scale);
        int sw_ = (int)(tw / scale + 0.5), sh_ = (int)(th / scale + 0.5);
        char url[256];
        if (lw < tw && lh < th) {
            if (lw == W && lh == H)
                snprintf(url, sizeof url, "full/max");
            else
                snprintf(url, sizeof url, "full/%d,%d", lw, lh);
            fn(url, lw, lh, ud);
            count++;
            continue;
        }
        for (int y = 0; y * th < lh; y++)
            for (int x = 0; x * tw < lw; x++) {
                int rx = x * sw_, ry = y * sh_;
                int rw = sw_ < W - rx ? sw_ : W - rx, rh = sh_ < H - ry ? sh_ : H - ry;
                int w = tw < lw - x * tw ? tw : lw - x * tw, h = th < lh - y * th ? th : lh - y * th;
                char region[96], size[48];
                if (x == 0 && y == 0 && rw == W && rh == H)
                    snprintf(region, sizeof region, "full");
                else
                    snprintf(region, sizeof region, "%d,%d,%d,%d", rx, ry, rw, rh);
                if (w == W && h == H)
                    snprintf(size, sizeof size, "max");
                else
                    snprintf(size, sizeof size, "%d,%d", w, h);
                snprintf(url, sizeof url, "%s/%s", region, size);
                fn(url, w, h, ud);
                count++;
            }
    }
    return count;
}

struct osd_check {
    const char *image;
    int missing, checked;
};

static void check_osd_url(const char *url, int w, int h, void *ud)
{
    struct osd_check *c = ud;
    char rel[512];
    snprintf(rel, sizeof rel, "iiif/%s/%s/0/default.jpg", c->image, url);
    if (!exists(rel)) {
        fprintf(stderr, "missing: %s\n", rel);
        c->missing++;
        return;
    }
    /* decode a few: the first, the edges (odd sizes) */
    if (c->checked < 6 && (c->checked == 0 || w % 256 || h % 256)) {
        jpeg_size(rel, w, h);
        c->checked++;
    }
}

static void test_first_export(void **state)
{
    (void)state;
    char *o;
    /* a trailing slash names the same place */
    int rc = export(&o, "--base-url " BASE "/");
    if (rc != 0)
        fail_msg("export-iiif failed (%d): %s", rc, o);
    assert_contains(o, "3 images (3 made, 0 unchanged, 0 removed, 0 left out)");
    free(o);
    assert_true(exists("iiif/jade-a/info.json"));
    assert_true(exists("iiif/small one/info.json"));
    assert_true(exists("iiif/.vcm-state"));
    assert_true(exists("static/mirador/mirador.min.js"));
    assert_true(exists("static/osd/openseadragon.min.js"));
    assert_true(exists("static/viewer.js"));
    assert_true(exists("viewer/index.html"));
    assert_true(exists("iiif/collection/top"));
}

/* info.json: level 0, the export's id, tiles, and every size viewers ask. */
static void test_info_level0(void **state)
{
    (void)state;
    json_t *j = load("iiif/jade-a/info.json");
    assert_string_equal(json_string_value(json_object_get(j, "profile")), "level0");
    assert_string_equal(json_string_value(json_object_get(j, "type")), "ImageService3");
    assert_string_equal(json_string_value(json_object_get(j, "id")), BASE "/iiif/jade-a");
    assert_int_equal(json_integer_value(json_object_get(j, "width")), 1088);
    json_t *t = json_array_get(json_object_get(j, "tiles"), 0);
    assert_int_equal(json_integer_value(json_object_get(t, "width")), 256);
    assert_int_equal(json_array_size(json_object_get(t, "scaleFactors")), 4);
    assert_null(json_object_get(j, "extraFeatures"));
    /* 90, 250, 256 wide and the full size, each as a file by w,h and w, */
    json_t *sizes = json_object_get(j, "sizes");
    int found = 0;
    for (size_t i = 0; i < json_array_size(sizes); i++) {
        int w = (int)json_integer_value(json_object_get(json_array_get(sizes, i), "width"));
        int h = (int)json_integer_value(json_object_get(json_array_get(sizes, i), "height"));
        found += w == 90 || w == 250 || w == 256 || (w == 1088 && h == 816);
        char rel[256];
        snprintf(rel, sizeof rel, "iiif/jade-a/full/%d,%d/0/default.jpg", w, h);
        assert_true(exists(rel));
        snprintf(rel, sizeof rel, "iiif/jade-a/full/%d,/0/default.jpg", w);
        assert_true(exists(rel));
    }
    assert_int_equal(found, 4);
    json_decref(j);
    assert_true(exists("iiif/jade-a/full/max/0/default.jpg"));
    jpeg_size("iiif/jade-a/full/90,/0/default.jpg", 90, 68);
    jpeg_size("iiif/jade-a/full/max/0/default.jpg", 1088, 816);

    /* smaller than a tile: one scale factor, the whole image at max */
    j = load("iiif/small one/info.json");
    assert_string_equal(json_string_value(json_object_get(j, "id")), BASE "/iiif/small%20one");
    t = json_array_get(json_object_get(j, "tiles"), 0);
    assert_int_equal(json_array_size(json_object_get(t, "scaleFactors")), 1);
    sizes = json_object_get(j, "sizes");
    json_t *last = json_array_get(sizes, json_array_size(sizes) - 1);
    assert_int_equal(json_integer_value(json_object_get(last, "width")), 250);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(sizes, 0), "width")), 90);
    json_decref(j);
    jpeg_size("iiif/small one/full/max/0/default.jpg", 250, 188);
    jpeg_size("iiif/small one/full/90,/0/default.jpg", 90, 68);
    /* no upscaled thumbnail of an image narrower than it */
    assert_false(exists("iiif/small one/full/256,/0/default.jpg"));
}

/* Every URL OpenSeadragon asks for is a file, and tiles decode to the size
 * asked. */
static void test_osd_tiles(void **state)
{
    (void)state;
    const char *images[] = {"jade-a", "small one"};
    for (size_t i = 0; i < 2; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "iiif/%s/info.json", images[i]);
        json_t *j = load(rel);
        struct osd_check c = {.image = images[i]};
        int n = osd_urls(j, check_osd_url, &c);
        json_decref(j);
        assert_int_equal(c.missing, 0);
        assert_true(n >= 1);
        if (i == 0)
            assert_true(n > 20); /* 5x4 + 3x2 + 2x1 + 1 */
        else
            assert_int_equal(n, 1); /* full/max */
    }
}

/* The files hold the very bytes the live server sends for their URL. */
static void test_same_bytes_as_server(void **state)
{
    (void)state;
    const char *urls[] = {
        "jade-a/0,0,256,256/256,256", "jade-a/1024,512,64,304/32,152", "jade-a/1024,768,64,48/64,48",
        "jade-a/0,0,1024,816/256,204", "jade-a/1024,0,64,816/16,204",
        "jade-a/full/136,102",         "jade-a/full/90,",
        "jade-a/full/max",             "jade-a/full/!600,600",
        "small%20one/full/max",        "small%20one/full/90,",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        char path[512], rel[2048];
        snprintf(path, sizeof path, "/iiif/%s/0/default.jpg", urls[i]);
        struct vt_resp r = vt_get(&srv, path);
        assert_int_equal(r.status, 200);
        char *decoded = curl_easy_unescape(NULL, urls[i], 0, NULL);
        snprintf(rel, sizeof rel, "%s/iiif/%s/0/default.jpg", out, decoded);
        curl_free(decoded);
        size_t len = 0;
        char *file = vt_read_file(rel, &len);
        if (!file)
            fail_msg("%s is not in the export", rel);
        if (len != r.len || memcmp(file, r.body, len) != 0)
            fail_msg("%s: %zu bytes in the export, %zu from the server", urls[i], len, r.len);
        free(file);
        vt_resp_free(&r);
    }
}

/* Every id of a document: under the base, but for the museums' own
 * websites (provider homepages). */
static void check_ids(json_t *j, const char *doc, bool in_provider, int *ids)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
            check_ids(v, doc, in_provider, ids);
        return;
    }
    if (!json_is_object(j))
        return;
    const char *id = json_string_value(json_object_get(j, "id"));
    if (id) {
        (*ids)++;
        if (strncmp(id, BASE "/", strlen(BASE) + 1) != 0 && !in_provider)
            fail_msg("%s names %s", doc, id);
        if (strstr(id, "?"))
            fail_msg("%s names %s, with a query a static server ignores", doc, id);
        /* the images and documents it names under /iiif/ are files */
        const char *p = strstr(id, "/iiif/");
        const char *t = json_string_value(json_object_get(j, "type"));
        bool file = strstr(id, "/default.jpg") ||
                    (t && (strcmp(t, "Manifest") == 0 || strcmp(t, "Collection") == 0));
        if (p && strncmp(id, BASE, strlen(BASE)) == 0 && file) {
            char *decoded = curl_easy_unescape(NULL, p + 1, 0, NULL);
            if (!exists(decoded))
                fail_msg("%s names %s, which is not in the export", doc, id);
            curl_free(decoded);
        }
        const char *type = json_string_value(json_object_get(j, "type"));
        if (type && strcmp(type, "ImageService3") == 0) {
            char rel[512];
            char *decoded = curl_easy_unescape(NULL, p + 1, 0, NULL);
            snprintf(rel, sizeof rel, "%s/info.json", decoded);
            curl_free(decoded);
            assert_true(exists(rel));
            assert_string_equal(json_string_value(json_object_get(j, "profile")), "level0");
        }
    }
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
        check_ids(v, doc, in_provider || strcmp(k, "provider") == 0, ids);
}

/* Validates every document under the folders named (relative to the
 * export) against the Presentation 3.0 schema, and checks its ids; the
 * number of manifests among them in *manifests. Returns the documents. */
static int validate_docs(const char *folders, int *manifests_out)
{
    char *o, *v, cwd[1024], schema[2200];
    /* the validator runs in the export's folder */
    snprintf(schema, sizeof schema, "%s/%s/schemas/iiif/presentation-3.0.schema.json",
             vt_data()[0] == '/' ? "" : getcwd(cwd, sizeof cwd), vt_data());
    /* one validator for every document: Python starts once */
    int rc = vt_sh(&v,
                   "cd %s && find %s -type f | sort | /usr/bin/python3 -c 'import json,sys,jsonschema; "
                   "s=jsonschema.Draft7Validator(json.load(open(sys.argv[1]))); "
                   "[s.validate(json.load(open(f.strip()))) or print(\"valid\", f.strip()) "
                   "for f in sys.stdin]' '%s'",
                   out, folders, schema);
    if (rc != 0)
        fail_msg("a document does not validate: %.3000s", v);
    free(v);
    assert_int_equal(vt_sh(&o, "cd %s && find %s -type f | sort", out, folders), 0);
    int docs = 0, manifests = 0;
    for (char *line = strtok(o, "\n"); line; line = strtok(NULL, "\n")) {
        json_t *j = load(line);
        int ids = 0;
        check_ids(j, line, false, &ids);
        assert_true(ids > 0);
        manifests += strncmp(line, "iiif/manifest/", 14) == 0;
        json_decref(j);
        docs++;
    }
    free(o);
    *manifests_out = manifests;
    return docs;
}

static void test_manifests(void **state)
{
    (void)state;
    int manifests;
    int docs = validate_docs("iiif/manifest iiif/collection", &manifests);
    assert_int_equal(manifests, 3);
    assert_true(docs >= 5); /* top, a museum, a country */
}

/* Over 100 manifests: the server pages its collections by a query
 * (?page=2), which a static server would ignore; the export names each
 * page by a path of its own, and the ids say so. */
static void test_collection_pages(void **state)
{
    (void)state;
    char *o;
    if (vt_sh(&o, "grep -m 101 '\"source_museum\": \"Tate\"' %s/collection.jsonl > %s/tate.jsonl && "
                  "%s import --quiet --db '%s' %s/tate.jsonl",
              vt_data(), dir, vt_bin(), db, dir) != 0)
        fail_msg("cannot import: %s", o);
    free(o);
    /* 101 more images (the pyramid of 'small one' under other names): as
     * many ingests would take half a minute */
    db_exec("INSERT INTO media(object_id, pos, file, format, width, height, checksum, identifier, "
            "original, created, held) SELECT o.id, 0, m.file, m.format, m.width, m.height, "
            "m.checksum, 'p' || o.id, m.original, m.created, 0 FROM objects o, media m "
            "WHERE m.identifier = 'small one' AND o.id NOT IN (SELECT object_id FROM media) "
            "ORDER BY o.id LIMIT 101");
    assert_int_equal(vt_sh(&o, "%s export-iiif --db '%s' --media %s --base-url " BASE " %s",
                           vt_bin(), db, media, out), 0);
    assert_contains(o, "images (101 made, 2 unchanged");
    free(o);
    json_t *top = load("iiif/collection/top");
    json_t *items = json_object_get(top, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "id")),
                        BASE "/iiif/collection/top-page-2");
    json_decref(top);
    json_t *page = load("iiif/collection/top-page-2");
    assert_string_equal(json_string_value(json_object_get(page, "id")),
                        BASE "/iiif/collection/top-page-2");
    assert_int_equal(json_array_size(json_object_get(page, "items")), 3);
    json_decref(page);
    int manifests;
    assert_true(validate_docs("iiif/collection", &manifests) >= 7);
}

/* The image URLs of the live object page are files of the export. */
static void test_page_images(void **state)
{
    (void)state;
    struct vt_resp r;
    char *o;
    assert_int_equal(vt_sh(&o, "cd %s && ls iiif/manifest", out), 0);
    for (char *id = strtok(o, "\n"); id; id = strtok(NULL, "\n")) {
        char path[64];
        snprintf(path, sizeof path, "/objects/%s", id);
        r = vt_get(&srv, path);
        assert_int_equal(r.status, 200);
        int seen = 0;
        for (const char *p = strstr(r.body, "/iiif/"); p; p = strstr(p + 1, "/iiif/")) {
            size_t n = strcspn(p, "\" ");
            char url[512];
            snprintf(url, sizeof url, "%.*s", (int)n - 1, p + 1);
            if (!strstr(url, "/default.jpg"))
                continue;
            char *decoded = curl_easy_unescape(NULL, url, 0, NULL);
            if (!exists(decoded))
                fail_msg("object %s shows %s, not in the export", id, url);
            curl_free(decoded);
            seen++;
        }
        assert_true(seen > 0);
        vt_resp_free(&r);
    }
    free(o);
}

/* A second run skips every image; one changed image is made again, alone;
 * a removed image's files go. */
static void test_incremental(void **state)
{
    (void)state;
    char *o, manifest_rel[256];
    assert_int_equal(vt_sh(&o, "ls %s/iiif/manifest | head -1", out), 0);
    snprintf(manifest_rel, sizeof manifest_rel, "iiif/manifest/%.*s", (int)strcspn(o, "\n"), o);
    free(o);
    int64_t tile = mtime("iiif/jade-a/0,0,256,256/256,256/0/default.jpg");
    int64_t small = mtime("iiif/small one/full/max/0/default.jpg");
    int64_t manifest = mtime(manifest_rel);
    assert_int_equal(vt_sh(&o, "%s export-iiif --db '%s' --media %s --base-url " BASE " %s",
                           vt_bin(), db, media, out), 0);
    assert_contains(o, "3 images (0 made, 3 unchanged, 0 removed");
    assert_contains(o, "0 manifests and 0 collections changed");
    free(o);
    assert_true(tile == mtime("iiif/jade-a/0,0,256,256/256,256/0/default.jpg"));
    assert_true(manifest == mtime(manifest_rel));

    /* "small one" now has the bytes of "spare" (as a new ingest would) */
    db_exec("UPDATE media SET file = (SELECT file FROM media WHERE identifier = 'spare'), "
            "checksum = (SELECT checksum FROM media WHERE identifier = 'spare') "
            "WHERE identifier = 'small one'");
    assert_int_equal(vt_sh(&o, "%s export-iiif --db '%s' --media %s --base-url " BASE " %s",
                           vt_bin(), db, media, out), 0);
    assert_contains(o, "3 images (1 made, 2 unchanged, 0 removed");
    free(o);
    assert_true(tile == mtime("iiif/jade-a/0,0,256,256/256,256/0/default.jpg"));
    assert_true(small != mtime("iiif/small one/full/max/0/default.jpg"));
    assert_int_equal(vt_sh(NULL, "cmp '%s/iiif/small one/full/max/0/default.jpg' "
                                 "'%s/iiif/spare/full/max/0/default.jpg'", out, out), 0);

    /* a file of the export lost or damaged: --redo makes every image again */
    char rel[1024];
    snprintf(rel, sizeof rel, "%s/iiif/jade-a/0,0,256,256/256,256/0/default.jpg", out);
    vt_write_file(rel, "damaged");
    assert_int_equal(vt_sh(&o, "%s export-iiif --redo --db '%s' --media %s --base-url " BASE
                               " %s", vt_bin(), db, media, out), 0);
    assert_contains(o, "3 images (3 made, 0 unchanged");
    free(o);
    jpeg_size("iiif/jade-a/0,0,256,256/256,256/0/default.jpg", 256, 256);

    /* an image no longer published: its folder goes, with its manifest */
    db_exec("DELETE FROM media WHERE identifier = 'spare'");
    assert_int_equal(vt_sh(&o, "%s export-iiif --db '%s' --media %s --base-url " BASE " %s",
                           vt_bin(), db, media, out), 0);
    assert_contains(o, "2 images (0 made, 2 unchanged, 1 removed");
    free(o);
    assert_false(exists("iiif/spare/info.json"));
    assert_int_equal(vt_sh(&o, "ls %s/iiif | grep -c spare", out), 1);
    free(o);
    assert_int_equal(vt_sh(&o, "cd %s && ls iiif/manifest | wc -l", out), 0);
    assert_int_equal(atoi(o), 2);
    free(o);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char *o;
    assert_int_equal(vt_sh(&o, "%s export-iiif --db '%s' --media %s --base-url " BASE, vt_bin(),
                           db, media), 2);
    assert_contains(o, "name the folder");
    free(o);
    assert_int_equal(vt_sh(&o, "%s export-iiif --db '%s' --media %s %s/x", vt_bin(), db, media,
                           dir), 2);
    assert_contains(o, "--base-url is required");
    free(o);
    assert_int_equal(vt_sh(&o, "%s export-iiif --db '%s' --media %s --base-url ftp://x %s/x",
                           vt_bin(), db, media, dir), 2);
    assert_contains(o, "'ftp://x' is not an absolute http");
    free(o);
    assert_int_equal(vt_sh(&o, "%s export-iiif --db '%s' --media %s --base-url 'http://x/?a=1' "
                               "%s/x", vt_bin(), db, media, dir), 2);
    assert_contains(o, "without a query");
    free(o);
    char file[900];
    snprintf(file, sizeof file, "%s/a-file", dir);
    vt_write_file(file, "x");
    assert_int_equal(vt_sh(&o, "%s export-iiif --db '%s' --media %s --base-url " BASE " %s",
                           vt_bin(), db, media, file), 2);
    assert_contains(o, "is not a folder");
    free(o);
    /* nothing of it was made */
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    snprintf(file, sizeof file, "%s/x", dir);
    assert_int_not_equal(stat(file, &st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_first_export),
        cmocka_unit_test(test_info_level0),
        cmocka_unit_test(test_osd_tiles),
        cmocka_unit_test(test_same_bytes_as_server),
        cmocka_unit_test(test_manifests),
        cmocka_unit_test(test_page_images),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_collection_pages),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
