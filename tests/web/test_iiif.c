/* IIIF over real HTTP: `vcm media add` with real photographs, the Image API
 * (info.json, images, errors, caching headers), manifests and collections
 * checked against the IIIF Presentation 3.0 JSON Schema, Change Discovery,
 * and the object page's viewer. */
#include "testutil.h"

#include <jansson.h>

static char *dir;
static struct vt_server srv;
static char db[1024], media[700];
/* Processes the render pool test starts, stopped by group_teardown should
 * the test fail half-way. */
static pid_t pool_server, pool_load;

static int add(const char *object, const char *file, const char *id, char **out)
{
    return vt_sh(out, "%s media add --quiet --db '%s' --media %s '%s' '%s' --id '%s'%s", vt_bin(),
                 db, media, object, file, id,
                 strncmp(id, "jade-a", 6) == 0
                     ? " --rights http://creativecommons.org/licenses/by/4.0/"
                     : "");
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "t");
    snprintf(media, sizeof media, "%s/media", dir);
    char *out;
    if (vt_sh(&out, "grep 'National Palace Museum' %s/collection.jsonl > %s/npm.jsonl && "
                    "grep -m 3 '\"source_museum\": \"Tate\"' %s/collection.jsonl >> %s/npm.jsonl && "
                    "%s import --quiet --db '%s' %s/npm.jsonl",
              vt_data(), dir, vt_data(), dir, vt_bin(), db, dir) != 0)
        fail_msg("import failed: %s", out);
    free(out);
    char img[700];
    snprintf(img, sizeof img, "%s/images/npm_taipei/jade070_00.jpg", vt_data());
    if (add("古玉3888", img, "jade-a", &out) != 0)
        fail_msg("media add failed: %s", out);
    free(out);
    snprintf(img, sizeof img, "%s/images/npm_taipei/jade070_01.jpg", vt_data());
    if (add("古玉3888", img, "jade-a2", &out) != 0)
        fail_msg("media add failed: %s", out);
    free(out);
    snprintf(img, sizeof img, "%s/images/npm_taipei/jade001_00.tiff", vt_data());
    if (add("source:古玉0636", img, "jade b", &out) != 0)
        fail_msg("media add of the TIFF failed: %s", out);
    free(out);

    int port = vt_free_port();
    snprintf(srv.base, sizeof srv.base, "http://127.0.0.1:%d", port);
    srv.port = port;
    srv.pid = fork();
    if (srv.pid == 0) {
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
        execl(vt_bin(), vt_bin(), "serve", "--db", db, "--media", media, "--listen", listen,
              "--log-level", "warn", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 400; i++) {
        if (vt_sh(NULL, "curl -s -o /dev/null %s/", srv.base) == 0)
            return 0;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fail_msg("vcm serve did not start");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (pool_load > 0) {
        kill(pool_load, SIGKILL);
        waitpid(pool_load, NULL, 0);
    }
    if (pool_server > 0) {
        kill(pool_server, SIGKILL);
        waitpid(pool_server, NULL, 0);
    }
    assert_int_equal(vt_server_stop(&srv), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static json_t *get_json(const char *path, long status)
{
    struct vt_resp r = vt_get(&srv, path);
    if (r.status != status)
        fail_msg("%s: status %ld, expected %ld: %.300s", path, r.status, status, r.body);
    json_t *j = json_loads(r.body, 0, NULL);
    if (!j)
        fail_msg("%s: not JSON: %.300s", path, r.body);
    vt_resp_free(&r);
    return j;
}

/* Validates doc against the IIIF Presentation 3.0 JSON Schema. */
static void validate_presentation(const char *path)
{
    struct vt_resp r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    char file[800];
    snprintf(file, sizeof file, "%s/doc.json", dir);
    vt_write_file(file, r.body);
    vt_resp_free(&r);
    char *out;
    int rc = vt_sh(&out,
                   "/usr/bin/python3 -c 'import json,sys,jsonschema; "
                   "s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2])); "
                   "jsonschema.Draft7Validator(s).validate(d); print(\"valid\")' "
                   "%s/schemas/iiif/presentation-3.0.schema.json %s",
                   vt_data(), file);
    if (rc != 0)
        fail_msg("%s does not validate: %.2000s", path, out);
    free(out);
}

static void test_media_add_errors(void **state)
{
    (void)state;
    char *out, bad[800], img[700];
    /* a truncated JPEG */
    snprintf(img, sizeof img, "%s/images/npm_taipei/jade070_02.jpg", vt_data());
    snprintf(bad, sizeof bad, "%s/truncated.jpg", dir);
    assert_int_equal(vt_sh(NULL, "head -c 20000 %s > %s", img, bad), 0);
    assert_int_equal(add("古玉3888", bad, "broken", &out), 1);
    assert_contains(out, "truncated.jpg");
    free(out);
    /* not an image at all */
    snprintf(bad, sizeof bad, "%s/notes.txt", dir);
    vt_write_file(bad, "these are notes, not an image\n");
    assert_int_equal(add("古玉3888", bad, "notes", &out), 1);
    free(out);
    /* an image over the pixel limit, refused before it is decoded */
    assert_int_equal(vt_sh(&out, "%s media add --db '%s' --media %s --max-pixels 10000 古玉3888 %s/images/npm_taipei/jade054_00_w1140.jpg --id big",
                           vt_bin(), db, media, vt_data()), 1);
    assert_contains(out, "pixels");
    free(out);
    /* nothing half-written is left in the media folder */
    assert_int_equal(vt_sh(&out, "find %s -name '*.tmp*' -o -name '.*' -type f | wc -l", media), 0);
    assert_int_equal(atoi(out), 0);
    free(out);
    /* an unknown object, a taken identifier, a reserved one */
    assert_int_equal(add("999999", img, "x", &out), 1);
    assert_contains(out, "no object");
    free(out);
    assert_int_equal(add("古玉0636", img, "jade-a", &out), 1);
    assert_contains(out, "identifier 'jade-a' is taken");
    free(out);
    assert_int_equal(add("古玉0636", img, "manifest", &out), 2);
    free(out);
    /* the same image again changes nothing */
    snprintf(img, sizeof img, "%s/images/npm_taipei/jade070_00.jpg", vt_data());
    assert_int_equal(add("古玉3888", img, "jade-a", &out), 0);
    assert_contains(out, "nothing changed");
    free(out);
    /* the original is kept byte for byte */
    assert_int_equal(vt_sh(&out, "cmp %s $(find %s/originals -name \"$(sha256sum %s | cut -c1-64).*\")",
                           img, media, img), 0);
    free(out);
}

static void test_info_json(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&srv, "/iiif/jade-a");
    assert_int_equal(r.status, 303);
    char want[200];
    snprintf(want, sizeof want, "%s/iiif/jade-a/info.json", srv.base);
    assert_contains(vt_header(&r, "Location"), want);
    vt_resp_free(&r);

    json_t *j = get_json("/iiif/jade-a/info.json", 200);
    assert_string_equal(json_string_value(json_object_get(j, "@context")),
                        "http://iiif.io/api/image/3/context.json");
    assert_string_equal(json_string_value(json_object_get(j, "type")), "ImageService3");
    assert_string_equal(json_string_value(json_object_get(j, "profile")), "level2");
    snprintf(want, sizeof want, "%s/iiif/jade-a", srv.base);
    assert_string_equal(json_string_value(json_object_get(j, "id")), want);
    assert_true(json_integer_value(json_object_get(j, "width")) > 0);
    json_t *tiles = json_array_get(json_object_get(j, "tiles"), 0);
    assert_int_equal(json_integer_value(json_object_get(tiles, "width")), 256);
    assert_true(json_array_size(json_object_get(tiles, "scaleFactors")) >= 1);
    assert_non_null(json_object_get(j, "sizes"));
    assert_non_null(json_object_get(j, "extraFeatures"));
    json_decref(j);

    /* the id follows the host the client used */
    char url[200];
    snprintf(url, sizeof url, "%s/iiif/jade-a/info.json", srv.base);
    r = vt_http("GET", url, NULL, "Host: images.example.org");
    assert_contains(r.body, "\"id\":\"http://images.example.org/iiif/jade-a\"");
    vt_resp_free(&r);
    r = vt_http("GET", url, NULL, "Accept: application/ld+json");
    assert_contains(vt_header(&r, "Content-Type"), "application/ld+json");
    assert_contains(vt_header(&r, "Content-Type"), "http://iiif.io/api/image/3/context.json");
    assert_contains(vt_header(&r, "Access-Control-Allow-Origin"), "*");
    assert_contains(vt_header(&r, "Link"), "level2.json");
    vt_resp_free(&r);

    /* an identifier with a space, percent-encoded */
    j = get_json("/iiif/jade%20b/info.json", 200);
    assert_contains(json_string_value(json_object_get(j, "id")), "/iiif/jade%20b");
    json_decref(j);
}

static void expect_image(const char *path, const char *mime, const unsigned char *magic,
                         size_t n)
{
    struct vt_resp r = vt_get(&srv, path);
    if (r.status != 200)
        fail_msg("%s: %ld %.200s", path, r.status, r.body);
    assert_contains(vt_header(&r, "Content-Type"), mime);
    assert_true(r.len > n);
    assert_memory_equal(r.body, magic, n);
    assert_contains(vt_header(&r, "Cache-Control"), "immutable");
    assert_contains(vt_header(&r, "Access-Control-Allow-Origin"), "*");
    assert_contains(vt_header(&r, "Link"), "rel=\"canonical\"");
    vt_resp_free(&r);
}

static void test_images(void **state)
{
    (void)state;
    static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF}, png[] = {0x89, 'P', 'N', 'G'},
                               webp[] = {'R', 'I', 'F', 'F'}, tif[] = {'I', 'I', 42, 0};
    expect_image("/iiif/jade-a/full/max/0/default.jpg", "image/jpeg", jpg, 3);
    expect_image("/iiif/jade-a/0,0,256,256/128,/90/gray.png", "image/png", png, 4);
    expect_image("/iiif/jade-a/square/!100,100/!45/color.webp", "image/webp", webp, 4);
    expect_image("/iiif/jade-a/pct:10,10,50,50/pct:50/0/bitonal.tif", "image/tiff", tif, 4);
    expect_image("/iiif/jade%20b/full/^max/0/default.jpg", "image/jpeg", jpg, 3);

    /* ETag and 304; the same bytes again from the cache */
    struct vt_resp r = vt_get(&srv, "/iiif/jade-a/0,0,256,256/256,/0/default.jpg");
    const char *etag = vt_header(&r, "ETag");
    assert_non_null(etag);
    assert_non_null(vt_header(&r, "Last-Modified"));
    char inm[200], url[300];
    snprintf(inm, sizeof inm, "If-None-Match: %.*s", (int)strcspn(etag, "\r\n"), etag);
    snprintf(url, sizeof url, "%s/iiif/jade-a/0,0,256,256/256,/0/default.jpg", srv.base);
    struct vt_resp r2 = vt_http("GET", url, NULL, inm);
    assert_int_equal(r2.status, 304);
    assert_int_equal(r2.len, 0);
    vt_resp_free(&r2);
    /* If-Modified-Since alone, at the Last-Modified time */
    const char *lm = vt_header(&r, "Last-Modified");
    char ims[200];
    snprintf(ims, sizeof ims, "If-Modified-Since: %.*s", (int)strcspn(lm, "\r\n"), lm);
    r2 = vt_http("GET", url, NULL, ims);
    assert_int_equal(r2.status, 304);
    vt_resp_free(&r2);
    r2 = vt_http("GET", url, NULL, "If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT");
    assert_int_equal(r2.status, 200);
    vt_resp_free(&r2);
    r2 = vt_get(&srv, "/iiif/jade-a/0,0,256,256/256,/0/default.jpg");
    assert_int_equal(r2.len, r.len);
    assert_memory_equal(r2.body, r.body, r.len);
    vt_resp_free(&r2);
    vt_resp_free(&r);
}

/* Whole tiles of a level come as stored (no re-encoding); they must be the
 * same pixels libvips makes for the same region, and edge tiles, which are
 * padded in the pyramid, must come cropped. */
static void test_stored_tiles(void **state)
{
    (void)state;
    char *out;
    int rc = vt_sh(&out,
                   "cd %s && curl -sf -o a.jpg %s/iiif/jade-a/256,256,256,256/256,/0/default.jpg && "
                   "curl -sf -o a.png %s/iiif/jade-a/256,256,256,256/256,/0/default.png && "
                   "vips subtract a.jpg a.png d.v && vips abs d.v e.v && vips max e.v && "
                   "vipsheader -f width a.jpg && "
                   "curl -sf -o b.jpg %s/iiif/jade-a/0,512,512,304/256,/0/default.jpg && "
                   "vipsheader -f height b.jpg && "
                   "curl -sf -o c.jpg %s/iiif/jade-a/1024,0,64,256/64,/0/default.jpg && "
                   "vipsheader -f width c.jpg",
                   dir, srv.base, srv.base, srv.base, srv.base);
    if (rc != 0)
        fail_msg("stored tiles: %s", out);
    /* no difference; 256 wide; the bottom-left tile of level 1 is 152 high;
     * the right edge tile 64 wide */
    assert_string_equal(out, "0.000000\n256\n152\n64\n");
    free(out);
}

static void test_image_errors(void **state)
{
    (void)state;
    const struct {
        const char *path;
        long status;
    } cases[] = {
        {"/iiif/nothing/info.json", 404},
        {"/iiif/nothing/full/max/0/default.jpg", 404},
        {"/iiif/..%2F..%2Fetc%2Fpasswd/info.json", 404},
        {"/iiif/jade-a%2Finfo.json", 404},
        {"/iiif/%2E%2E/info.json", 404},
        {"/iiif/jade-a/full/max/0/default.gif", 501},
        {"/iiif/jade-a/full/max/0/default.pdf", 501},
        {"/iiif/jade-a/full/max/0/default.xyz", 400},
        {"/iiif/jade-a/full/max/0/sepia.jpg", 400},
        {"/iiif/jade-a/full/max/0/default", 400},
        {"/iiif/jade-a/bogus/max/0/default.jpg", 400},
        {"/iiif/jade-a/0,0,0,10/max/0/default.jpg", 400},
        {"/iiif/jade-a/99999,99999,10,10/max/0/default.jpg", 400},
        {"/iiif/jade-a/full/99999,/0/default.jpg", 400},
        {"/iiif/jade-a/full/max/361/default.jpg", 400},
        {"/iiif/jade-a/full/max/abc/default.jpg", 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct vt_resp r = vt_get(&srv, cases[i].path);
        if (r.status != cases[i].status)
            fail_msg("%s: status %ld, expected %ld", cases[i].path, r.status, cases[i].status);
        vt_resp_free(&r);
    }
}

/* A bad image request is answered with a problem document whose detail is
 * the catalogue's sentence for what the parser found, its places filled
 * with the segment and the numbers (the image's own size among them). */
static void test_image_error_sentences(void **state)
{
    (void)state;
    json_t *info = get_json("/iiif/jade-a/info.json", 200);
    long w = (long)json_integer_value(json_object_get(info, "width"));
    long h = (long)json_integer_value(json_object_get(info, "height"));
    json_decref(info);
    assert_true(w > 0 && h > 0);
    char outside[200], outside_detail[200];
    snprintf(outside, sizeof outside, "/iiif/jade-a/%ld,0,10,10/max/0/default.jpg", w);
    snprintf(outside_detail, sizeof outside_detail,
             "The region '%ld,0,10,10' is outside the image (%ldx%ld).", w, w, h);
    const struct {
        const char *path;
        long status;
        const char *detail;
    } cases[] = {
        {"/iiif/jade-a/bogus/max/0/default.jpg", 400,
         "The region 'bogus' is not full, square, x,y,w,h or pct:x,y,w,h."},
        {"/iiif/jade-a/0,0,0,10/max/0/default.jpg", 400, "The region '0,0,0,10' has zero width."},
        {outside, 400, outside_detail},
        {"/iiif/jade-a/0,0,10,10/11,/0/default.jpg", 400,
         "The size '11,' is larger than the region (10 wide); use ^11, to upscale."},
        {"/iiif/jade-a/0,0,10,10/11,12/0/default.jpg", 400,
         "The size '11,12' is larger than the region (10x10); use ^11,12 to upscale."},
        {"/iiif/jade-a/full/%5Efull/0/default.jpg", 400,
         "The size '^full' is not in IIIF Image API 3.0; use ^max."},
        {"/iiif/jade-a/full/max/361/default.jpg", 400, "The rotation '361' is not between 0 and 360."},
        {"/iiif/jade-a/full/max/0/sepia.jpg", 400,
         "The quality in 'sepia.jpg' is not default, color, gray or bitonal."},
        {"/iiif/jade-a/full/max/0/default.gif", 501,
         "The format in 'default.gif' is not made by this server; use jpg, png, webp or tif."},
        /* what is quoted cannot break out of the sentence */
        {"/iiif/jade-a/a%27b%0A%3C/max/0/default.jpg", 400,
         "The region 'a?b?<' is not full, square, x,y,w,h or pct:x,y,w,h."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *j = get_json(cases[i].path, cases[i].status);
        const char *detail = json_string_value(json_object_get(j, "detail"));
        if (!detail || strcmp(detail, cases[i].detail) != 0)
            fail_msg("%s: detail \"%s\", expected \"%s\"", cases[i].path,
                     detail ? detail : "(none)", cases[i].detail);
        assert_int_equal(json_integer_value(json_object_get(j, "status")), cases[i].status);
        json_decref(j);
    }
}

static long object_id(const char *source_id)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/objects?source_id=%s", source_id);
    json_t *j = get_json(path, 200);
    long id = (long)json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id"));
    json_decref(j);
    return id;
}

static void test_manifests(void **state)
{
    (void)state;
    long box = object_id("%E5%8F%A4%E7%8E%893888");
    char path[200];
    snprintf(path, sizeof path, "/iiif/manifest/%ld", box);
    validate_presentation(path);
    json_t *m = get_json(path, 200);
    assert_string_equal(json_string_value(json_object_get(m, "type")), "Manifest");
    json_t *label = json_object_get(m, "label");
    assert_non_null(json_object_get(label, "en"));
    assert_non_null(json_object_get(label, "zh-Hant"));
    assert_int_equal(json_array_size(json_object_get(m, "items")), 2);
    assert_contains(json_string_value(json_object_get(m, "rights")), "creativecommons.org");
    json_t *canvas = json_array_get(json_object_get(m, "items"), 0);
    json_t *body = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(canvas, "items"), 0), "items"), 0), "body");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(body, "service"), 0), "type")),
                        "ImageService3");
    assert_non_null(json_object_get(m, "provider"));
    assert_non_null(json_object_get(m, "requiredStatement"));
    json_decref(m);

    validate_presentation("/iiif/collection/top");
    json_t *c = get_json("/iiif/collection/top", 200);
    assert_int_equal(json_array_size(json_object_get(c, "items")), 2);
    /* every manifest the collection lists validates */
    size_t k;
    json_t *item;
    json_array_foreach(json_object_get(c, "items"), k, item) {
        const char *mid = json_string_value(json_object_get(item, "id"));
        validate_presentation(strstr(mid, "/iiif/manifest/"));
    }
    json_decref(c);
    json_t *museums = get_json("/api/v1/museums", 200);
    long npm = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(museums, "items"), i, it)
        if (strstr(json_string_value(json_object_get(it, "name")), "Taipei"))
            npm = (long)json_integer_value(json_object_get(it, "id"));
    json_decref(museums);
    snprintf(path, sizeof path, "/iiif/collection/museum/%ld", npm);
    validate_presentation(path);
    validate_presentation("/iiif/collection/country/TW");
    c = get_json("/iiif/collection/country/GB", 200);
    assert_int_equal(json_array_size(json_object_get(c, "items")), 0);
    json_decref(c);

    /* an object without images has no manifest */
    json_t *gb = get_json("/api/v1/objects?country=GB&limit=1", 200);
    long tate = (long)json_integer_value(json_object_get(json_array_get(json_object_get(gb, "items"), 0), "id"));
    json_decref(gb);
    assert_true(tate > 0);
    snprintf(path, sizeof path, "/iiif/manifest/%ld", tate);
    json_decref(get_json(path, 404));
    json_decref(get_json("/iiif/manifest/999999", 404));
}

static void test_change_discovery(void **state)
{
    (void)state;
    json_t *c = get_json("/iiif/activity/", 200);
    assert_string_equal(json_string_value(json_object_get(c, "type")), "OrderedCollection");
    /* two objects got their first image (Create), one a second (Update) */
    assert_int_equal(json_integer_value(json_object_get(c, "totalItems")), 3);
    json_decref(c);
    json_t *p = get_json("/iiif/activity/page/0", 200);
    json_t *items = json_object_get(p, "orderedItems");
    assert_int_equal(json_array_size(items), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "type")), "Create");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "type")), "Update");
    assert_contains(json_string_value(json_object_get(json_object_get(json_array_get(items, 0), "object"), "id")),
                    "/iiif/manifest/");
    json_decref(p);
    json_decref(get_json("/iiif/activity/page/7", 404));
}

static void test_pages_show_images(void **state)
{
    (void)state;
    long box = object_id("%E5%8F%A4%E7%8E%893888");
    char path[64];
    snprintf(path, sizeof path, "/objects/%ld", box);
    struct vt_resp r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "id=\"viewer\"");
    assert_contains(r.body, "data-info=\"/iiif/jade-a/info.json /iiif/jade-a2/info.json\"");
    assert_contains(r.body, "srcset=\"/iiif/jade-a/full/!600,600/0/default.jpg 600w");
    /* the viewer's script, which fetches the deep-zoom library after the page */
    assert_contains(r.body, "/static/viewer.js");
    assert_contains(r.body, "href=\"/iiif/manifest/");
    assert_contains(r.body, "download>");
    vt_resp_free(&r);
    r = vt_get(&srv, "/browse?country=TW");
    assert_contains(r.body, "<img src=\"/iiif/jade-a/full/!300,300/0/default.jpg\"");
    vt_resp_free(&r);
    /* pages without images load no viewer */
    r = vt_get(&srv, "/");
    assert_not_contains(r.body, "openseadragon");
    vt_resp_free(&r);
    r = vt_get(&srv, "/static/osd/openseadragon.min.js");
    assert_int_equal(r.status, 200);
    assert_true(r.len > 100000);
    vt_resp_free(&r);
    r = vt_get(&srv, "/static/osd/images/zoomin_rest.png");
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
}


/* How many times the header name appears in r. */
static int header_count(const struct vt_resp *r, const char *name)
{
    int n = 0;
    size_t k = strlen(name);
    for (const char *p = r->headers; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncasecmp(p, name, k) == 0 && p[k] == ':')
            n++;
    return n;
}

/* Every IIIF answer, errors too, says once that any origin may read it,
 * and lets a viewer read Link and ETag. */
static void test_cors_headers(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "/iiif/nothing/info.json",                     /* 404 */
        "/iiif/nothing/full/max/0/default.jpg",        /* 404 */
        "/iiif/jade-a/bogus/max/0/default.jpg",        /* 400 */
        "/iiif/jade-a/full/max/0/default.gif",         /* 501 */
        "/iiif/jade-a/info.json",                      /* 200 */
        "/iiif/jade-a/info.json",                      /* 200, from the memo */
        "/iiif/jade-a/full/120,/0/default.jpg",        /* 200, rendered */
        "/iiif/jade-a/full/120,/0/default.jpg",        /* 200, from the memo */
        "/iiif/jade-a/0,0,256,256/256,/0/default.jpg", /* 200, stored tile */
        "/iiif/manifest/999999",                       /* 404 */
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct vt_resp r = vt_get(&srv, paths[i]);
        if (header_count(&r, "Access-Control-Allow-Origin") != 1)
            fail_msg("%s (%ld): Access-Control-Allow-Origin %d times:\n%s", paths[i], r.status,
                     header_count(&r, "Access-Control-Allow-Origin"), r.headers);
        if (header_count(&r, "Access-Control-Expose-Headers") != 1)
            fail_msg("%s (%ld): Access-Control-Expose-Headers %d times:\n%s", paths[i], r.status,
                     header_count(&r, "Access-Control-Expose-Headers"), r.headers);
        assert_contains(vt_header(&r, "Access-Control-Expose-Headers"), "Link");
        assert_contains(vt_header(&r, "Access-Control-Expose-Headers"), "ETag");
        vt_resp_free(&r);
    }
}

/* Paths under /iiif/ that name nothing are 404, as the Image API's
 * validator expects, whatever their number of segments. */
static void test_unknown_paths(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "/iiif/a/b/full/max/0/default.jpg",
        "/iiif/jade-a/full/max/0/default.jpg/more",
        "/iiif/jade-a/full/max",
        "/iiif/collection/top/more",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct vt_resp r = vt_get(&srv, paths[i]);
        if (r.status != 404)
            fail_msg("%s: status %ld, expected 404", paths[i], r.status);
        assert_contains(vt_header(&r, "Content-Type"), "application/problem+json");
        vt_resp_free(&r);
    }
    /* a known path with another method is still 405 */
    char url[200];
    snprintf(url, sizeof url, "%s/iiif/jade-a/info.json", srv.base);
    struct vt_resp r = vt_http("POST", url, "x", NULL);
    assert_int_equal(r.status, 405);
    vt_resp_free(&r);
}

/* The content type of IIIF documents follows Accept: caches are told. */
static void test_vary_accept(void **state)
{
    (void)state;
    long box = object_id("%E5%8F%A4%E7%8E%893888");
    char manifest[64];
    snprintf(manifest, sizeof manifest, "/iiif/manifest/%ld", box);
    const char *paths[] = {"/iiif/jade-a/info.json", "/iiif/jade-a/info.json", manifest,
                           "/iiif/collection/top", "/iiif/activity/"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct vt_resp r = vt_get(&srv, paths[i]);
        assert_int_equal(r.status, 200);
        if (!vt_header(&r, "Vary"))
            fail_msg("%s: no Vary header:\n%s", paths[i], r.headers);
        assert_contains(vt_header(&r, "Vary"), "Accept");
        vt_resp_free(&r);
    }
}

/* Whether a and b carry the same value of header name. */
static bool same_header(const struct vt_resp *a, const struct vt_resp *b, const char *name)
{
    const char *x = vt_header(a, name), *y = vt_header(b, name);
    if (!x || !y)
        return false;
    size_t n = strcspn(x, "\r\n");
    return n == strcspn(y, "\r\n") && strncmp(x, y, n) == 0;
}

static int cache_files(void)
{
    char *out;
    assert_int_equal(vt_sh(&out, "find %s/cache -mindepth 2 -type f | wc -l", media), 0);
    int n = atoi(out);
    free(out);
    return n;
}

/* HEAD answers from the request alone: the image is not made. */
static void test_head_does_not_render(void **state)
{
    (void)state;
    const char *path = "/iiif/jade-a/full/333,/0/gray.png";
    char url[300];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    int before = cache_files();
    struct vt_resp h = vt_http("HEAD", url, NULL, NULL);
    assert_int_equal(h.status, 200);
    assert_contains(vt_header(&h, "Content-Type"), "image/png");
    assert_contains(vt_header(&h, "Link"), "rel=\"canonical\"");
    assert_non_null(vt_header(&h, "ETag"));
    assert_int_equal(cache_files(), before);
    /* the GET makes it (so the count above could have moved), same ETag */
    struct vt_resp g = vt_get(&srv, path);
    assert_int_equal(g.status, 200);
    assert_int_equal(cache_files(), before + 1);
    assert_true(same_header(&g, &h, "ETag"));
    vt_resp_free(&g);
    vt_resp_free(&h);
}

/* Rotations that round to the same tenth of a degree are one image: one
 * ETag, one canonical link, one entry in the cache. */
static void test_rotation_canonical(void **state)
{
    (void)state;
    static const char *const same[][2] = {
        {"/iiif/jade-a/full/90,/0/default.jpg", "/iiif/jade-a/full/90,/359.999/default.jpg"},
        {"/iiif/jade-a/full/90,/0/default.jpg", "/iiif/jade-a/full/90,/360/default.jpg"},
        {"/iiif/jade-a/full/90,/90/default.jpg", "/iiif/jade-a/full/90,/90.0/default.jpg"},
        {"/iiif/jade-a/full/90,/12.3/default.jpg", "/iiif/jade-a/full/90,/12.3456/default.jpg"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        struct vt_resp a = vt_get(&srv, same[i][0]), b = vt_get(&srv, same[i][1]);
        assert_int_equal(a.status, 200);
        assert_int_equal(b.status, 200);
        if (!same_header(&a, &b, "ETag") || !same_header(&a, &b, "Link"))
            fail_msg("%s and %s are not the same image", same[i][0], same[i][1]);
        vt_resp_free(&a);
        vt_resp_free(&b);
    }
}

/* info.json's limits are the ones enforced, upscaling included. */
static void test_limits(void **state)
{
    (void)state;
    json_t *j = get_json("/iiif/jade-a/info.json", 200);
    long mw = (long)json_integer_value(json_object_get(j, "maxWidth"));
    long mh = (long)json_integer_value(json_object_get(j, "maxHeight"));
    long ma = (long)json_integer_value(json_object_get(j, "maxArea"));
    json_decref(j);
    assert_int_equal(mw, 8192);
    assert_int_equal(mh, 8192);
    assert_int_equal(ma, 4096L * 4096);
    char path[200];
    /* one pixel blown up to more than maxWidth, or more than maxArea */
    snprintf(path, sizeof path, "/iiif/jade-a/1,1,1,1/^%ld,/0/default.png", mw + 1);
    json_decref(get_json(path, 400));
    json_decref(get_json("/iiif/jade-a/1,1,1,1/^12000,/0/default.png", 400));
    json_decref(get_json("/iiif/jade-a/1,1,1,1/^5000,/0/default.png", 400));
    /* at the limits it is made */
    snprintf(path, sizeof path, "/iiif/jade-a/0,0,100,1/^%ld,/0/default.jpg", mw);
    struct vt_resp r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
}

/* ---- the render pool ---- */

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* The child that keeps the render pool full: three expensive renders
 * always outstanding, every one a new image (its own width and a small
 * rotation, which keeps it under the cost ceiling), each replaced as soon
 * as it is answered (after 20 ms when it was refused), until killed. */
static CURL *saturating_request(const char *base, int n)
{
    char url[300];
    int tenths = n % 50 + 1, w = 2000 - n / 50 % 100;
    snprintf(url, sizeof url, "%s/iiif/big/full/%d,/%d.%d/default.png", base, w, tenths / 10,
             tenths % 10);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 600L);
    return h;
}

static void saturate(const char *base)
{
    CURLM *m = curl_multi_init();
    int n = 0;
    for (int i = 0; i < 3; i++)
        curl_multi_add_handle(m, saturating_request(base, n++));
    for (;;) {
        int running;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            long st = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &st);
            curl_multi_remove_handle(m, msg->easy_handle);
            curl_easy_cleanup(msg->easy_handle);
            if (st != 200) {
                struct timespec ts = {0, 20 * 1000 * 1000};
                nanosleep(&ts, NULL);
            }
            curl_multi_add_handle(m, saturating_request(base, n++));
        }
        curl_multi_poll(m, NULL, 0, 100, NULL);
    }
}

static size_t see_retry_after(char *p, size_t size, size_t n, void *ud)
{
    if (n * size > 12 && strncasecmp(p, "Retry-After:", 12) == 0)
        *(bool *)ud = true;
    return size * n;
}

/* An expensive render nobody asked for before; 503 when the pool is full.
 * An accepted one waits for the renders before it, which on a slow machine
 * (or under a sanitizer) takes long: a patient client, then. */
static long probe(const struct vt_server *s, int *serial, bool *retry_after)
{
    char url[300];
    int n = (*serial)++, tenths = n % 50 + 1, w = 1899 - n / 50 % 100;
    snprintf(url, sizeof url, "%s/iiif/big/full/%d,/%d.%d/default.png", s->base, w, tenths / 10,
             tenths % 10);
    *retry_after = false;
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, see_retry_after);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, retry_after);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 600L);
    CURLcode rc = curl_easy_perform(c);
    long st = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK)
        fail_msg("%s: %s", url, curl_easy_strerror(rc));
    if (st != 200 && st != 503)
        fail_msg("%s: status %ld", url, st);
    return st;
}

/* Waits until an expensive request is refused: the pool and its queue are
 * full. */
static void until_busy(const struct vt_server *s, int *serial)
{
    for (int i = 0; i < 200; i++) {
        bool ra;
        if (probe(s, serial, &ra) == 503) {
            assert_true(ra);
            return;
        }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fail_msg("the render pool never filled up");
}

/* With one render thread and one place in the queue kept full by expensive
 * images, pages, the API, info.json, cached and stored tiles and HEAD still
 * answer 200, none refused; expensive requests beyond the queue get 503
 * with Retry-After. A request priced over --iiif-max-cost is 400 at once.
 * (Liveness, not timing: nothing here measures how long anything took.) */
static void test_render_pool(void **state)
{
    (void)state;
    char *out, img[800];
    /* a large image of noise, so that encoding it costs real work */
    snprintf(img, sizeof img, "%s/big.jpg", dir);
    if (vt_sh(&out, "vips gaussnoise %s/noise.v 2000 2000 --mean 128 --sigma 40 && "
                    "vips jpegsave %s/noise.v %s --Q 90 && rm %s/noise.v",
              dir, dir, img, dir) != 0)
        fail_msg("cannot make the test image: %s", out);
    free(out);
    if (add("古玉0636", img, "big", &out) != 0)
        fail_msg("media add of the large image failed: %s", out);
    free(out);

    struct vt_server s2;
    s2.port = vt_free_port();
    snprintf(s2.base, sizeof s2.base, "http://127.0.0.1:%d", s2.port);
    s2.pid = fork();
    assert_true(s2.pid >= 0);
    if (s2.pid == 0) {
        char listen[32], node[800];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", s2.port);
        snprintf(node, sizeof node, "%s/node2", dir);
        execl(vt_bin(), vt_bin(), "serve", "--db", db, "--media", media, "--node-dir", node,
              "--listen", listen, "--log-level", "warn", "--render-threads", "1",
              "--render-queue", "1", "--iiif-max-cost", "10000000", (char *)NULL);
        _exit(127);
    }
    pool_server = s2.pid;
    bool up = false;
    for (int i = 0; i < 400 && !up; i++) {
        up = vt_sh(NULL, "curl -s -o /dev/null %s/", s2.base) == 0;
        if (!up) {
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    assert_true(up);

    /* priced before any work: 2000x2000 turned 45 degrees writes 8M
     * pixels and reads 4M, over the 10M allowed (a turn of 5 degrees
     * writes 4.7M: allowed) */
    struct vt_resp r = vt_get(&s2, "/iiif/big/full/max/45/default.png");
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "pixels of work");
    assert_int_equal(header_count(&r, "Access-Control-Allow-Origin"), 1);
    vt_resp_free(&r);

    /* a derivative in the cache before the rush */
    static const char *const cached = "/iiif/jade-a/full/150,/0/default.jpg";
    r = vt_get(&s2, cached);
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);

    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        saturate(s2.base);
        _exit(0);
    }
    pool_load = child;
    int serial = 0;
    until_busy(&s2, &serial);
    long box = object_id("%E5%8F%A4%E7%8E%893888");
    char object[64];
    snprintf(object, sizeof object, "/objects/%ld", box);
    const char *live[] = {
        "/",
        object,
        "/browse?country=TW",
        "/api/v1/objects?limit=5",
        "/api/v1/museums",
        "/iiif/jade-a/info.json",
        cached,
        "/iiif/jade-a/256,256,256,256/256,/0/default.jpg", /* stored tile */
        "/iiif/collection/top",
    };
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
            r = vt_get(&s2, live[i]);
            if (r.status != 200)
                fail_msg("%s while the render pool is full: status %ld", live[i], r.status);
            vt_resp_free(&r);
        }
    /* HEAD of an image nobody made: answered without the pool */
    char url[300];
    snprintf(url, sizeof url, "%s/iiif/big/full/max/99.9/default.png", s2.base);
    r = vt_http("HEAD", url, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(vt_header(&r, "ETag"));
    vt_resp_free(&r);
    /* and still full */
    until_busy(&s2, &serial);

    /* Stopped while full: the waiting render is turned away, the one
     * being made finishes, and the server exits cleanly (it must not stop
     * with a connection still suspended). The load stops first, so that
     * the server's wait for requests in flight can end. */
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    pool_load = 0;
    pool_server = 0;
    assert_int_equal(vt_server_stop(&s2), 0);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_media_add_errors),
        cmocka_unit_test(test_info_json),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_stored_tiles),
        cmocka_unit_test(test_image_errors),
        cmocka_unit_test(test_image_error_sentences),
        cmocka_unit_test(test_manifests),
        cmocka_unit_test(test_change_discovery),
        cmocka_unit_test(test_pages_show_images),
        cmocka_unit_test(test_cors_headers),
        cmocka_unit_test(test_unknown_paths),
        cmocka_unit_test(test_vary_accept),
        cmocka_unit_test(test_head_does_not_render),
        cmocka_unit_test(test_rotation_canonical),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_render_pool),
    };
    int rc = cmocka_run_group_tests_name("web/iiif", tests, group_setup, group_teardown);
    curl_global_cleanup();
    return rc;
}
