/* Template engine: every construct, the escaping of each context, compile
 * errors with their NAME:LINE, include cycles, output caps and rendering one
 * set from several threads at once. */
#include "testutil.h"

#include <pthread.h>

#include <jansson.h>

#include "core/asset.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "view/template.h"

#define XSS "<script>alert(1)</script>"

static const char *const DATA =
    "{\"title\": \"<script>alert(1)</script>\","
    " \"object\": {\"title\": \"Bowl\", \"id\": \"o 1\", \"year\": 1650, \"title_ja\": null},"
    " \"museum\": {\"name\": \"Tokyo National Museum\", \"url\": \"https://www.tnm.jp/\"},"
    " \"count\": 42231, \"neg\": -1234567, \"real\": 1.5, \"yes\": true, \"no\": false,"
    " \"nil\": null, \"empty\": \"\", \"zero\": 0, \"zerof\": 0.0, \"noarr\": [], \"noobj\": {},"
    " \"list\": [1, 2, 3], \"names\": [\"a\", \"b\"],"
    " \"items\": [{\"title\": \"A\", \"tags\": [\"x\", \"y\"]}, {\"title\": \"B\", \"tags\": []}],"
    " \"map\": {\"k1\": \"v1\", \"k2\": \"v2\"},"
    " \"js\": \"javascript:alert(1)\", \"q\": \"a&b=c d/é\", \"quote\": \"it's \\\"q\\\"\","
    " \"big\": \"12345678\"}";

static json_t *data(void)
{
    json_error_t e;
    json_t *j = json_loads(DATA, 0, &e);
    if (!j)
        fail_msg("test data: %s", e.text);
    return j;
}

/* Compiles `text` as "t" in a new set, renders it with `json` (NULL: DATA)
 * and returns the output (caller frees); fails the test on any error. */
static char *render_json(const char *text, const char *json)
{
    char err[256];
    vcm_tpl_set *s = vcm_tpl_set_new();
    assert_non_null(s);
    if (vcm_tpl_set_add(s, "t", text, strlen(text), err, sizeof err) < 0)
        fail_msg("compile '%s': %s", text, err);
    json_t *d = json ? json_loads(json, JSON_DECODE_ANY, NULL) : data();
    assert_non_null(d);
    vcm_buf b;
    vcm_buf_init(&b, 0);
    if (vcm_tpl_render(s, NULL, "t", d, "en", &b, err, sizeof err) < 0)
        fail_msg("render '%s': %s", text, err);
    char *out = strdup(b.data ? b.data : "");
    vcm_buf_release(&b);
    json_decref(d);
    vcm_tpl_set_free(s);
    return out;
}

static char *render(const char *text)
{
    return render_json(text, NULL);
}

#define assert_render(tpl, expect)                                                         \
    do {                                                                                   \
        char *o_ = render(tpl);                                                            \
        assert_string_equal(o_, expect);                                                   \
        free(o_);                                                                          \
    } while (0)

/* The compile error of `text` as "t" must contain `expect`. */
static void compile_fails(const char *text, const char *expect)
{
    char err[256] = "";
    vcm_tpl_set *s = vcm_tpl_set_new();
    assert_non_null(s);
    if (vcm_tpl_set_add(s, "t", text, strlen(text), err, sizeof err) == 0)
        fail_msg("'%s' compiled; expected an error with \"%s\"", text, expect);
    if (!strstr(err, expect))
        fail_msg("'%s': error \"%s\" lacks \"%s\"", text, err, expect);
    vcm_tpl_set_free(s);
}

static void test_values(void **state)
{
    (void)state;
    assert_render("{{object.title}}|{{museum.name}}", "Bowl|Tokyo National Museum");
    assert_render("[{{missing}}][{{nil}}][{{object.missing.deeper}}][{{object.title_ja}}]",
                  "[][][][]");
    assert_render("{{count}} {{neg}} {{real}} {{yes}} {{no}} {{zero}}",
                  "42231 -1234567 1.5 true false 0");
    assert_render("{{ object.year }}", "1650");
    assert_render("{{list.1}} {{items.0.title}} {{items.1.title}}", "2 A B");
    /* objects and arrays print nothing outside <script> */
    assert_render("[{{object}}][{{list}}]", "[][]");
    assert_render("{{this.object.title}} {{@root.museum.name}}", "Bowl Tokyo National Museum");
    assert_render("{{.}}", "");
    char *o = render_json("{{.}}", "\"just a string\"");
    assert_string_equal(o, "just a string");
    free(o);
    o = render_json("a{{x}}b", "null");
    assert_string_equal(o, "ab");
    free(o);
}

static void test_scopes(void **state)
{
    (void)state;
    /* inside each: own fields first, then enclosing scopes, then the root */
    assert_render("{{#each items}}{{title}}/{{museum.name}};{{/each}}",
                  "A/Tokyo National Museum;B/Tokyo National Museum;");
    assert_render("{{#with object}}{{title}} {{id}} {{count}}{{/with}}", "Bowl o 1 42231");
    assert_render("{{#each items}}{{#each tags}}{{title}}:{{.}} {{/each}}{{/each}}", "A:x A:y ");
    /* a name present with null stops the search: no title from further out */
    char *o = render_json("{{#each xs}}[{{title}}]{{/each}}",
                          "{\"title\": \"page\", \"xs\": [{\"title\": null}, {}]}");
    assert_string_equal(o, "[][page]");
    free(o);
    /* @root skips the scopes */
    assert_render("{{#with object}}{{@root.title}}{{/with}}",
                  "&lt;script&gt;alert(1)&lt;/script&gt;");
}

static void test_each(void **state)
{
    (void)state;
    assert_render("{{#each list}}{{@index}}{{@number}}{{.}}{{#if @first}}F{{/if}}"
                  "{{#if @last}}L{{/if}},{{/each}}",
                  "011F,122,233L,");
    assert_render("{{#each noarr}}x{{else}}none{{/each}}", "none");
    assert_render("{{#each missing}}x{{else}}none{{/each}}", "none");
    assert_render("{{#each noobj}}x{{else}}none{{/each}}", "none");
    assert_render("{{#each names}}{{.}}{{else}}none{{/each}}", "ab");
    assert_render("{{#each map}}{{@key}}={{.}}@{{@index}}{{#unless @last}}&amp;{{/unless}}{{/each}}",
                  "k1=v1@0&amp;k2=v2@1");
    /* @index refers to the innermost each */
    assert_render("{{#each items}}{{#each tags}}{{@index}}{{/each}}|{{@index}} {{/each}}",
                  "01|0 |1 ");
    assert_render("{{@index}}{{@key}}", "");
}

static void test_conditionals(void **state)
{
    (void)state;
    const char *falsy[] = {"nil", "missing", "no", "zero", "zerof", "empty", "noarr", "noobj"};
    const char *truthy[] = {"yes", "count", "real", "title", "list", "map", "object"};
    char tpl[128];
    for (size_t i = 0; i < sizeof falsy / sizeof *falsy; i++) {
        snprintf(tpl, sizeof tpl, "{{#if %s}}T{{else}}F{{/if}}{{#unless %s}}u{{/unless}}",
                 falsy[i], falsy[i]);
        assert_render(tpl, "Fu");
    }
    for (size_t i = 0; i < sizeof truthy / sizeof *truthy; i++) {
        snprintf(tpl, sizeof tpl, "{{#if %s}}T{{else}}F{{/if}}{{#unless %s}}u{{/unless}}",
                 truthy[i], truthy[i]);
        assert_render(tpl, "T");
    }
    assert_render("{{#unless yes}}a{{else}}b{{/unless}}", "b");
    assert_render("{{#with missing}}a{{else}}b{{/with}}", "b");
    assert_render("{{#if yes}}{{#if no}}1{{else}}2{{/if}}{{/if}}", "2");
    assert_render("{{# if yes }}a{{ else }}b{{/ if }}", "a");
}

static void test_number_and_t(void **state)
{
    (void)state;
    assert_render("{{number count}} {{number neg}} {{number zero}} {{number big}} {{number real}}",
                  "42,231 -1,234,567 0 12,345,678 1.5");
    char *o = render_json("{{number a}} {{number b}} {{number c}} {{number d}}",
                          "{\"a\": 999, \"b\": 1000, \"c\": 1e6, \"d\": \"n/a\"}");
    assert_string_equal(o, "999 1,000 1,000,000 n/a");
    free(o);
    assert_render("<script>var n = {{number count}};</script>", "<script>var n = \"42,231\";</script>");

    assert_render("{{t \"test.greeting\"}}|{{t 'test.greeting'}}", "Hello &lt;you&gt; &amp; co|Hello &lt;you&gt; &amp; co");
    assert_render("<b title=\"{{t \"test.greeting\"}}\">", "<b title=\"Hello &lt;you&gt; &amp; co\">");
    assert_render("<script>var g = {{t \"test.greeting\"}};</script>",
                  "<script>var g = \"Hello \\u003cyou\\u003e \\u0026 co\";</script>");
    /* a key nobody has shows itself */
    assert_render("{{t \"test.no such key\"}}", "test.no such key");

    /* another language: its own text and its own separator */
    vcm_tpl_set *s = vcm_tpl_set_new();
    char err[256];
    const char *tpl = "{{t \"test.greeting\"}} {{number count}}";
    assert_int_equal(vcm_tpl_set_add(s, "t", tpl, strlen(tpl), err, sizeof err), 0);
    json_t *d = data();
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_tpl_render(s, NULL, "t", d, "de", &b, err, sizeof err), 0);
    assert_string_equal(b.data, "Hallo 42.231");
    vcm_buf_reset(&b);
    assert_int_equal(vcm_tpl_render(s, NULL, "t", d, NULL, &b, err, sizeof err), 0);
    assert_string_equal(b.data, "Hello &lt;you&gt; &amp; co 42,231");
    vcm_buf_reset(&b);
    /* grouping by the language's own rules, not one separator */
    assert_int_equal(vcm_tpl_render(s, NULL, "t", d, "fr", &b, err, sizeof err), 0);
    assert_string_equal(b.data, "Hello &lt;you&gt; &amp; co 42\u202F231");
    vcm_buf_release(&b);
    json_decref(d);
    vcm_tpl_set_free(s);
}

static void test_plural(void **state)
{
    (void)state;
    char *o = render_json("{{tn \"test.items\" a}}|{{tn 'test.items' b}}|{{tn \"test.items\" c}}|"
                          "{{tn \"test.items\" s}}|<i title=\"{{tn \"test.items\" b}}\">",
                          "{\"a\": 1, \"b\": 42231, \"c\": \"x\", \"s\": \"7\"}");
    assert_string_equal(o, "1 item &lt;b&gt;|42,231 items &lt;b&gt;||7 items &lt;b&gt;|"
                           "<i title=\"42,231 items &lt;b&gt;\">");
    free(o);
    /* a message that is not plural text shows its key */
    o = render_json("{{tn \"test.bad\" a}}", "{\"a\": 2}");
    assert_string_equal(o, "test.bad");
    free(o);
    /* the language's categories and number: French 0 is one */
    vcm_tpl_set *s = vcm_tpl_set_new();
    char err[256];
    const char *tpl = "{{#each n}}{{tn \"test.items\" .}};{{/each}}";
    assert_int_equal(vcm_tpl_set_add(s, "p", tpl, strlen(tpl), err, sizeof err), 0);
    json_t *d = json_loads("{\"n\": [0, 1, 2, 1500]}", 0, NULL);
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_tpl_render(s, NULL, "p", d, "fr", &b, err, sizeof err), 0);
    assert_string_equal(b.data, "0 objet;1 objet;2 objets;1\u202F500 objets;");
    vcm_buf_release(&b);
    json_decref(d);
    vcm_tpl_set_free(s);
    /* compile errors */
    static const char *const bad[] = {"{{tn key n}}", "{{tn \"k\"}}", "{{tn \"k\"n}}",
                                      "{{tn \"\" n}}", "{{tn \"k n}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s = vcm_tpl_set_new();
        assert_int_equal(vcm_tpl_set_add(s, "x", bad[i], strlen(bad[i]), err, sizeof err), -1);
        assert_contains(err, "tn");
        vcm_tpl_set_free(s);
    }
}

static void test_raw_and_comments(void **state)
{
    (void)state;
    assert_render("{{raw title}}", XSS);
    char *o = render_json("<div {{raw attrs}}>{{raw html}}</div>",
                          "{\"attrs\": \"class=\\\"a\\\"\", \"html\": \"<b>bold</b>\"}");
    assert_string_equal(o, "<div class=\"a\"><b>bold</b></div>");
    free(o);
    assert_render("a{{! a comment with {{braces }}b{{!-- holds }} and {{x}} --}}c", "abc");
    /* lines inside comments still count */
    compile_fails("{{!--\n\n--}}\n{{nope x}}", "t:4: unknown helper 'nope'");
}

/* The title <script>alert(1)</script> in every context: never as markup. */
static void test_xss_contexts(void **state)
{
    (void)state;
    assert_render("<p>{{title}}</p>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    assert_render("<p title=\"{{title}}\" data-x='{{quote}}'>",
                  "<p title=\"&lt;script&gt;alert(1)&lt;/script&gt;\" data-x='it&#39;s &quot;q&quot;'>");
    assert_render("<a href=\"{{title}}\">", "<a href=\"%3Cscript%3Ealert(1)%3C/script%3E\">");
    assert_render("<a href=\"{{js}}\">x</a>", "<a href=\"#unsafe\">x</a>");
    assert_render("<a href=\"/search?q={{title}}&amp;p={{q}}\">",
                  "<a href=\"/search?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;p=a%26b%3Dc%20d%2F%C3%A9\">");
    assert_render("<script>var t = {{title}};</script>",
                  "<script>var t = \"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\";</script>");
    assert_render("<title>{{title}}</title>", "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>");
    assert_render("<textarea name=\"d\">{{title}}</textarea>",
                  "<textarea name=\"d\">&lt;script&gt;alert(1)&lt;/script&gt;</textarea>");
    char *all = render("<p>{{title}}</p><a title=\"{{title}}\" href=\"{{title}}\">"
                       "<img src=\"/i?x={{title}}\" srcset=\"{{title}} 1x\">"
                       "<script type=\"application/ld+json\">{{json .}}</script>");
    assert_not_contains(all, "<script>alert");
    assert_not_contains(all, "</script><");
    free(all);
}

static void test_urls(void **state)
{
    (void)state;
    struct {
        const char *url, *out;
    } cases[] = {
        {"https://example.org/a?b=1&c=2", "https://example.org/a?b=1&amp;c=2"},
        {"http://x.org/", "http://x.org/"},
        {"HTTPS://x.org/", "HTTPS://x.org/"},
        {"mailto:a@b.org", "mailto:a@b.org"},
        {"/objects/1", "/objects/1"},
        {"./a", "./a"},
        {"?q=1", "?q=1"},
        {"#top", "#top"},
        {"objects/x:y", "objects/x:y"},
        {"//cdn.example.org/x", "//cdn.example.org/x"},
        {"  /padded  ", "/padded"},
        {"a b\"<>", "a%20b%22%3C%3E"},
        {"javascript:alert(1)", "#unsafe"},
        {"JaVaScRiPt:alert(1)", "#unsafe"},
        {" javascript:alert(1)", "#unsafe"},
        {"java\tscript:alert(1)", "#unsafe"},
        {"java\nscript:alert(1)", "#unsafe"},
        {"\x01javascript:alert(1)", "#unsafe"},
        {"data:text/html,<script>alert(1)</script>", "#unsafe"},
        {"vbscript:x", "#unsafe"},
        {":x", "#unsafe"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *d = json_pack("{s:s}", "u", cases[i].url);
        char *js = json_dumps(d, 0);
        char *o = render_json("<a href=\"{{u}}\">", js);
        char want[256];
        snprintf(want, sizeof want, "<a href=\"%s\">", cases[i].out);
        if (strcmp(o, want) != 0)
            fail_msg("url \"%s\": got %s, want %s", cases[i].url, o, want);
        free(o);
        free(js);
        json_decref(d);
    }
    /* every URL attribute checks its start */
    const char *attrs[] = {"src", "action", "formaction", "poster", "cite", "srcset", "data",
                           "xlink:href", "HREF"};
    for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++) {
        char tpl[64], want[64];
        snprintf(tpl, sizeof tpl, "<x %s='{{js}}'>", attrs[i]);
        snprintf(want, sizeof want, "<x %s='#unsafe'>", attrs[i]);
        assert_render(tpl, want);
    }
    /* a path piece after a literal scheme or '/': encoded, never checked */
    assert_render("<a href=\"/objects/{{object.id}}/{{js}}\">",
                  "<a href=\"/objects/o%201/javascript:alert(1)\">");
    assert_render("<a href=\"{{museum.url}}objects/{{object.id}}\">",
                  "<a href=\"https://www.tnm.jp/objects/o%201\">");
    /* a value after a value at the start is still checked */
    assert_render("<a href=\"{{empty}}{{js}}\">", "<a href=\"#unsafe\">");
    /* query component and fragment */
    assert_render("<a href=\"?q={{q}}#{{q}}\">", "<a href=\"?q=a%26b%3Dc%20d%2F%C3%A9#a%26b%3Dc%20d%2F%C3%A9\">");
    assert_render("<a href=\"?{{#each names}}n={{.}}&amp;{{/each}}\">", "<a href=\"?n=a&amp;n=b&amp;\">");
    /* srcset: each candidate's URL is checked, descriptors cannot add candidates */
    char *o = render_json("<img srcset=\"{{#each s}}{{u}} {{w}}w, {{/each}}{{last}} 2x\">",
                          "{\"s\": [{\"u\": \"/a.jpg\", \"w\": 100}, {\"u\": \"javascript:x\","
                          " \"w\": \"1x, javascript:y\"}], \"last\": \"/b,c.jpg\"}");
    assert_string_equal(o, "<img srcset=\"/a.jpg 100w, #unsafe 1x%2C%20javascript:yw, /b,c.jpg 2x\">");
    free(o);
    /* plain attributes are not URLs */
    assert_render("<a title=\"{{js}}\" data-href=\"{{js}}\">",
                  "<a title=\"javascript:alert(1)\" data-href=\"javascript:alert(1)\">");
    /* a branch that leaves the URL start unchanged keeps it a start */
    assert_render("<a href=\"{{#if no}}/x{{/if}}{{js}}\">", "<a href=\"#unsafe\">");
}

static void test_script(void **state)
{
    (void)state;
    assert_render("<script>var n = {{count}}, r = {{real}}, b = {{yes}}, m = {{missing}}, "
                  "z = {{nil}};</script>",
                  "<script>var n = 42231, r = 1.5, b = true, m = null, z = null;</script>");
    assert_render("<script>var o = {{object}}, l = {{list}};</script>",
                  "<script>var o = {\"title\":\"Bowl\",\"id\":\"o 1\",\"year\":1650,"
                  "\"title_ja\":null}, l = [1,2,3];</script>");
    assert_render("<script>var q = {{quote}};</script>",
                  "<script>var q = \"it\\u0027s \\\"q\\\"\";</script>");
    assert_render("<script>var i = {{#each list}}{{@index}}{{@first}}{{/each}};</script>",
                  "<script>var i = 0true1false2false;</script>");
    /* JSON-LD with a whole object; strings can never close the element */
    char *o = render_json("<script type=\"application/ld+json\">{\"name\": {{name}}, "
                          "\"x\": {{json x}}}</script>",
                          "{\"name\": \"</script><script>alert(1)</script>\","
                          " \"x\": {\"k</script>\": [\"</script>\", 1, 2.25, null, true,"
                          " \"\\u2028\"]}}");
    assert_string_equal(o, "<script type=\"application/ld+json\">{\"name\": "
                           "\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\", "
                           "\"x\": {\"k\\u003c/script\\u003e\":[\"\\u003c/script\\u003e\",1,2.25,null,"
                           "true,\"\\u2028\"]}}</script>");
    const char *after = strstr(o, "</script>");
    assert_non_null(after);
    assert_string_equal(after, "</script>"); /* the only one is the template's own */
    free(o);
    /* the output is JSON that parses back to the data */
    o = render("<script type=\"application/ld+json\">{{json items}}</script>");
    const char *start = o + strlen("<script type=\"application/ld+json\">");
    json_t *back = json_loadb(start, strlen(start) - strlen("</script>"), 0, NULL);
    assert_non_null(back);
    json_t *d = data();
    assert_true(json_equal(back, json_object_get(d, "items")));
    json_decref(back);
    json_decref(d);
    free(o);
    /* an each that joins items with commas compiles (its body is read twice) */
    assert_render("<script>var a = [{{#each list}}{{.}}{{#unless @last}},{{/unless}}{{/each}}];"
                  " var half = a.length / 2;</script>",
                  "<script>var a = [1,2,3]; var half = a.length / 2;</script>");
    /* strings, comments and regexes in the script are followed */
    assert_render("<script>var s = \"x\\\"y\" + '\\'' ; // it's\n /* \" */ var r = /[/\"]/;"
                  " var v = {{count}};</script>",
                  "<script>var s = \"x\\\"y\" + '\\'' ; // it's\n /* \" */ var r = /[/\"]/;"
                  " var v = 42231;</script>");
    /* after </script> we are back in HTML */
    assert_render("<script>1</script ><p>{{title}}</p>",
                  "<script>1</script ><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
}

static void test_html_tokenizer(void **state)
{
    (void)state;
    /* quotes and '>' inside attribute values, comments and doctype */
    assert_render("<!DOCTYPE html><!-- <a href=\" --><a title='>\"' href=\"{{js}}\">{{yes}}</a>",
                  "<!DOCTYPE html><!-- <a href=\" --><a title='>\"' href=\"#unsafe\">true</a>");
    assert_render("a < b {{count}} <br/>{{count}}<img alt=x src=\"{{js}}\">",
                  "a < b 42231 <br/>42231<img alt=x src=\"#unsafe\">");
    /* block tags may stand between attributes when each branch ends there */
    assert_render("<option value=\"1\" {{#if yes}}selected{{/if}}>", "<option value=\"1\" selected>");
    assert_render("<a class=\"{{#if yes}}on{{else}}off{{/if}} x\" href=\"{{#if no}}{{js}}{{else}}/{{/if}}\">",
                  "<a class=\"on x\" href=\"/\">");
    /* the end tag of a raw element is case-insensitive */
    assert_render("<SCRIPT>var a = 1;</SCRIPT><p>{{title}}</p>",
                  "<SCRIPT>var a = 1;</SCRIPT><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
}

static void test_compile_errors(void **state)
{
    (void)state;
    /* blocks */
    compile_fails("a\n{{#if yes}}\nb", "t:2: {{#if}} is not closed");
    compile_fails("{{#each list}}\n{{#if yes}}\n{{/each}}", "t:3: {{/each}} closes {{#if}} from line 2");
    compile_fails("x\n{{/if}}", "t:2: {{/if}} without an open block");
    compile_fails("{{else}}", "t:1: {{else}} outside a block");
    compile_fails("{{#if a}}{{else}}{{else}}{{/if}}", "t:1: second {{else}}");
    compile_fails("{{#if}}{{/if}}", "t:1: {{#if}} needs a path");
    compile_fails("\n\n{{#loop x}}{{/loop}}", "t:3: unknown block helper '#loop'");
    /* tags */
    compile_fails("l1\nl2\n{{upper title}}", "t:3: unknown helper 'upper'");
    compile_fails("{{title", "t:1: {{ without }}");
    compile_fails("{{ }}", "t:1: empty tag");
    compile_fails("{{@foo}}", "unknown variable '@foo'");
    compile_fails("{{@index.x}}", "'@index' has no fields");
    compile_fails("{{a..b}}", "invalid path 'a..b'");
    compile_fails("{{a b c}}", "unknown helper 'a'");
    compile_fails("{{raw a b}}", "invalid path 'a b'");
    compile_fails("{{t key}}", "{{t}} needs a quoted key");
    compile_fails("{{> }}", "needs a template name");
    /* unsafe contexts */
    compile_fails("<a href={{x}}>", "t:1: tag in unsafe context (an unquoted attribute value)");
    compile_fails("<a\nhref=x{{x}}>", "t:2: tag in unsafe context (an unquoted attribute value)");
    compile_fails("<div {{x}}>", "tag in unsafe context (an attribute name position)");
    compile_fails("<div class=\"a\" {{x}}=\"1\">", "tag in unsafe context (an attribute name position)");
    compile_fails("<{{x}}>", "tag in unsafe context (a tag name)");
    compile_fails("<h{{x}}>", "tag in unsafe context (a tag name)");
    compile_fails("<!-- {{x}} -->", "tag in unsafe context (an HTML comment");
    compile_fails("<style>p { color: {{x}} }</style>", "tag in unsafe context (<style>)");
    compile_fails("<a onclick=\"go({{x}})\">", "tag in unsafe context (an on*, style or srcdoc");
    compile_fails("<a OnMouseOver='{{x}}'>", "tag in unsafe context (an on*, style or srcdoc");
    compile_fails("<p style=\"color: {{x}}\">", "tag in unsafe context (an on*, style or srcdoc");
    compile_fails("<iframe srcdoc=\"{{x}}\">", "tag in unsafe context (an on*, style or srcdoc");
    compile_fails("<script>var a = '{{x}}';</script>", "tag in unsafe context (a JavaScript string");
    compile_fails("<script>var a = \"{{x}}\";</script>", "tag in unsafe context (a JavaScript string");
    compile_fails("<script>var a = `${ {{x}} }`;</script>", "tag in unsafe context (a JavaScript string");
    compile_fails("<script>// {{x}}\n</script>", "tag in unsafe context (a JavaScript string, comment");
    compile_fails("<script>var r = /{{x}}/;</script>", "tag in unsafe context");
    compile_fails("<script><!-- <script></script> {{x}} --></script>", "t:1: '<!--' inside <script>");
    compile_fails("<xmp>{{x}}</xmp>", "tag in unsafe context (a raw text element)");
    compile_fails("</p {{x}}>", "tag in unsafe context (an end tag)");
    compile_fails("<p>{{json x}}</p>", "t:1: {{json}} is only allowed inside <script>");
    compile_fails("<a title=\"{{json x}}\">", "{{json}} is only allowed inside <script>");
    /* URLs the template leaves ambiguous */
    compile_fails("<a href=\"{{x}}:alert(1)\">", "t:1: ':' after a value at the start of a URL");
    compile_fails("<a href=\"{{#if a}}?q={{/if}}{{x}}\">", "tag in unsafe context (a URL that the branches");
    /* blocks that change the context */
    compile_fails("<p>{{#if a}}<b{{/if}}>", "branches of {{#if}} from line 1 end in different contexts");
    compile_fails("{{#each xs}}<a href=\"{{/each}}\">", "{{#each}} from line 1 ends in");
    compile_fails("<script>{{#if a}}'{{/if}}</script>", "branches of {{#if}}");
    compile_fails("<a {{#if a}}href{{/if}}=\"{{x}}\">", "'=' after a block whose branches");
    compile_fails("<a {{#if a}}on{{/if}}click=\"x\">", "name goes on after a block tag");
    compile_fails("<scr{{#if a}}ipt{{/if}}>", "name goes on after a block tag");
    /* includes, yield and the end of the template */
    compile_fails("<a {{> attrs}}>", "{{> attrs}} must stand in HTML text");
    compile_fails("<script>{{> p}}</script>", "must stand in HTML text");
    compile_fails("<title>{{yield}}</title>", "{{yield}} must stand in HTML text");
    compile_fails("<p>\n<script>var a = 1;", "t:2: template ends inside <script>");
    compile_fails("<a href=\"x", "template ends inside an attribute value");
    compile_fails("<!-- x", "template ends inside an HTML comment");
    /* the error names the template given */
    char err[128];
    vcm_tpl_set *s = vcm_tpl_set_new();
    assert_int_equal(vcm_tpl_set_add(s, "partials/card", "\n{{#if", 6, err, sizeof err), -1);
    assert_string_equal(err, "partials/card:2: {{ without }}");
    /* a failed compile leaves an earlier template of that name in place */
    assert_int_equal(vcm_tpl_set_add(s, "p", "old", 3, err, sizeof err), 0);
    assert_int_equal(vcm_tpl_set_add(s, "p", "{{#if x}}", 9, err, sizeof err), -1);
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_tpl_render(s, NULL, "p", NULL, "en", &b, err, sizeof err), 0);
    assert_string_equal(b.data, "old");
    vcm_buf_release(&b);
    vcm_tpl_set_free(s);
}

static void add(vcm_tpl_set *s, const char *name, const char *text)
{
    char err[256];
    if (vcm_tpl_set_add(s, name, text, strlen(text), err, sizeof err) < 0)
        fail_msg("compile %s: %s", name, err);
}

static void test_include_and_layout(void **state)
{
    (void)state;
    vcm_tpl_set *s = vcm_tpl_set_new();
    /* the page names a partial that comes later */
    add(s, "object", "<h1>{{object.title}}</h1>{{#each items}}{{> partials/card}}{{/each}}");
    add(s, "partials/card", "<li>{{title}} of {{museum.name}}</li>");
    add(s, "layout", "<html><title>{{t \"test.greeting\"}}</title><body>{{yield}}</body></html>");
    json_t *d = data();
    char err[256];
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_tpl_render(s, "layout", "object", d, "en", &b, err, sizeof err), 0);
    assert_string_equal(b.data, "<html><title>Hello &lt;you&gt; &amp; co</title><body><h1>Bowl</h1>"
                                "<li>A of Tokyo National Museum</li>"
                                "<li>B of Tokyo National Museum</li></body></html>");
    /* replacing a partial: includes follow the new one */
    add(s, "partials/card", "[{{title}}]");
    vcm_buf_reset(&b);
    assert_int_equal(vcm_tpl_render(s, NULL, "object", d, "en", &b, err, sizeof err), 0);
    assert_string_equal(b.data, "<h1>Bowl</h1>[A][B]");
    /* {{yield}} without a layout, and a layout that forgets it */
    add(s, "bare", "<main>{{yield}}</main>");
    vcm_buf_reset(&b);
    assert_int_equal(vcm_tpl_render(s, NULL, "bare", d, "en", &b, err, sizeof err), 0);
    assert_string_equal(b.data, "<main></main>");
    add(s, "noyield", "<main></main>");
    vcm_buf_reset(&b);
    assert_int_equal(vcm_tpl_render(s, "noyield", "object", d, "en", &b, err, sizeof err), -1);
    assert_contains(err, "has no {{yield}}");
    /* unknown names */
    assert_int_equal(vcm_tpl_render(s, NULL, "nope", d, "en", &b, err, sizeof err), -1);
    assert_string_equal(err, "unknown template 'nope'");
    assert_int_equal(vcm_tpl_render(s, "nolayout", "object", d, "en", &b, err, sizeof err), -1);
    assert_contains(err, "'nolayout'");
    add(s, "dangling", "a\n{{> partials/missing}}");
    assert_int_equal(vcm_tpl_render(s, NULL, "dangling", d, "en", &b, err, sizeof err), -1);
    assert_string_equal(err, "dangling:2: unknown template 'partials/missing'");
    assert_int_equal(b.len, 0);
    vcm_buf_release(&b);
    json_decref(d);
    vcm_tpl_set_free(s);
}

static void test_include_cycle(void **state)
{
    (void)state;
    vcm_tpl_set *s = vcm_tpl_set_new();
    add(s, "a", "a{{> b}}");
    add(s, "b", "b{{#if yes}}{{> a}}{{/if}}");
    add(s, "self", "{{> self}}");
    /* sixteen levels are fine */
    add(s, "d0", "0");
    char name[16], text[32];
    for (int i = 1; i <= 16; i++) {
        snprintf(name, sizeof name, "d%d", i);
        snprintf(text, sizeof text, "{{> d%d}}", i - 1);
        add(s, name, text);
    }
    json_t *d = data();
    char err[256];
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_tpl_render(s, NULL, "a", d, "en", &b, err, sizeof err), -1);
    assert_contains(err, "includes nested deeper than 16");
    assert_int_equal(b.len, 0);
    assert_int_equal(vcm_tpl_render(s, NULL, "self", d, "en", &b, err, sizeof err), -1);
    assert_contains(err, "self:1: includes nested deeper than 16 at 'self'");
    assert_int_equal(vcm_tpl_render(s, NULL, "d16", d, "en", &b, err, sizeof err), 0);
    assert_string_equal(b.data, "0");
    add(s, "d17", "{{> d16}}");
    vcm_buf_reset(&b);
    assert_int_equal(vcm_tpl_render(s, NULL, "d17", d, "en", &b, err, sizeof err), -1);
    /* a layout that yields into itself */
    assert_int_equal(vcm_tpl_render(s, "a", "a", d, "en", &b, err, sizeof err), -1);
    vcm_buf_release(&b);
    json_decref(d);
    vcm_tpl_set_free(s);
}

static void test_cap(void **state)
{
    (void)state;
    vcm_tpl_set *s = vcm_tpl_set_new();
    add(s, "big", "{{#each list}}{{#each list}}0123456789{{title}}{{/each}}{{/each}}");
    json_t *d = data();
    char err[256];
    vcm_buf b;
    vcm_buf_init(&b, 64);
    assert_int_equal(vcm_buf_puts(&b, "keep:"), 0);
    assert_int_equal(vcm_tpl_render(s, NULL, "big", d, "en", &b, err, sizeof err), -1);
    assert_contains(err, "cap");
    assert_true(b.toobig);
    assert_string_equal(b.data, "keep:"); /* cut back to what was there */
    vcm_buf_release(&b);
    /* exactly at the cap is fine, one byte over is not */
    add(s, "ten", "0123456789");
    vcm_buf_init(&b, 10);
    assert_int_equal(vcm_tpl_render(s, NULL, "ten", d, "en", &b, err, sizeof err), 0);
    assert_int_equal(b.len, 10);
    assert_int_equal(vcm_tpl_render(s, NULL, "ten", d, "en", &b, err, sizeof err), -1);
    assert_int_equal(b.len, 10);
    vcm_buf_release(&b);
    /* inside escapers and JSON too */
    add(s, "js", "<script>{{json .}}</script>");
    for (size_t cap = 1; cap < 200; cap += 7) {
        vcm_buf_init(&b, cap);
        int rc = vcm_tpl_render(s, NULL, "js", d, "en", &b, err, sizeof err);
        assert_int_equal(rc, -1);
        assert_int_equal(b.len, 0);
        vcm_buf_release(&b);
    }
    json_decref(d);
    vcm_tpl_set_free(s);
}

struct job {
    const vcm_tpl_set *s;
    json_t *d;
    const char *want;
    int bad;
};

static void *render_many(void *p)
{
    struct job *j = p;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    char err[256];
    for (int i = 0; i < 300; i++) {
        vcm_buf_reset(&b);
        if (vcm_tpl_render(j->s, "layout", "page", j->d, i % 2 ? "de" : "en", &b, err,
                           sizeof err) < 0 ||
            strcmp(b.data, j->want + (i % 2 ? strlen(j->want) + 1 : 0)) != 0)
            j->bad++;
    }
    vcm_buf_release(&b);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    vcm_tpl_set *s = vcm_tpl_set_new();
    add(s, "layout", "<html><head><title>{{t \"test.greeting\"}}</title></head><body>{{yield}}"
                     "</body></html>");
    add(s, "page", "<h1 title=\"{{title}}\">{{object.title}}</h1><p>{{number count}}</p>"
                   "{{#each items}}{{> card}}{{/each}}{{#each map}}{{@key}}{{/each}}"
                   "<a href=\"{{js}}\">x</a><a href=\"/s?q={{q}}\">s</a>"
                   "<script type=\"application/ld+json\">{{json object}}</script>");
    add(s, "card", "<li>{{@number}}. {{title}} {{#each tags}}{{.}}{{/each}}</li>");
    json_t *d = data();
    char err[256];
    vcm_buf en, de;
    vcm_buf_init(&en, 0);
    vcm_buf_init(&de, 0);
    assert_int_equal(vcm_tpl_render(s, "layout", "page", d, "en", &en, err, sizeof err), 0);
    assert_int_equal(vcm_tpl_render(s, "layout", "page", d, "de", &de, err, sizeof err), 0);
    assert_contains(en.data, "42,231");
    assert_contains(de.data, "42.231");
    /* both expected outputs in one block: "en\0de\0" */
    char *want = malloc(en.len + de.len + 2);
    memcpy(want, en.data, en.len + 1);
    memcpy(want + en.len + 1, de.data, de.len + 1);

    pthread_t th[4];
    struct job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct job){s, d, want, 0};
        assert_int_equal(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].bad, 0);
    }
    free(want);
    vcm_buf_release(&en);
    vcm_buf_release(&de);
    json_decref(d);
    vcm_tpl_set_free(s);
}

static void test_builtin(void **state)
{
    (void)state;
    vcm_tpl_set *s = vcm_tpl_set_new();
    char err[512];
    if (vcm_tpl_set_add_builtin(s, err, sizeof err) < 0)
        fail_msg("built-in templates: %s", err);
    /* every templates/X.html is there as X and renders with no data */
    json_t *empty = json_object();
    vcm_buf b;
    vcm_buf_init(&b, 0);
    for (size_t i = 0; i < vcm_assets_count; i++) {
        const char *p = vcm_assets[i].path;
        size_t n = strlen(p);
        if (strncmp(p, "templates/", 10) != 0 || n < 16 || strcmp(p + n - 5, ".html") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 15), p + 10);
        vcm_buf_reset(&b);
        if (vcm_tpl_render(s, NULL, name, empty, "en", &b, err, sizeof err) < 0)
            fail_msg("render built-in '%s': %s", name, err);
    }
    vcm_buf_release(&b);
    json_decref(empty);
    vcm_tpl_set_free(s);
}

/* Random templates built from pieces that matter to the compiler: whatever
 * comes out must compile or fail with a message, and render or fail with one,
 * without touching memory it should not (run this under ASan). */
static void test_random_templates(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "{{", "}}", "{{title}}", "{{#if yes}}", "{{#each list}}", "{{#each map}}", "{{else}}",
        "{{/if}}", "{{/each}}", "{{#with object}}", "{{/with}}", "{{> r}}", "{{yield}}",
        "{{raw title}}", "{{json .}}", "{{number count}}", "{{t \"k\"}}", "{{@index}}",
        "<script>", "</script>", "<a href=\"", "\"", "'", "<", ">", "<!--", "-->", "=", " ",
        "?q=", "/", ":", ",", "\n", "<style>", "</style>", "<p ", "onclick=", "srcset='",
        "`", "//", "/*", "*/", "\\", "{{!", "{{!--", "--}}", "x", "\xff", "<title>", "</title>"};
    json_t *d = data();
    unsigned seed = 12345;
    char text[512], err[256];
    vcm_buf b;
    int compiled = 0;
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        int k = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 24;
        for (int i = 0; i < k; i++) {
            const char *p = pieces[((seed = seed * 1103515245u + 12345u) >> 16) %
                                   (sizeof pieces / sizeof *pieces)];
            size_t pl = strlen(p);
            if (len + pl >= sizeof text)
                break;
            memcpy(text + len, p, pl);
            len += pl;
        }
        vcm_tpl_set *s = vcm_tpl_set_new();
        err[0] = '\0';
        int rc = vcm_tpl_set_add(s, "r", text, len, err, sizeof err);
        if (rc < 0) {
            assert_true(strncmp(err, "r:", 2) == 0);
        } else {
            compiled++;
            vcm_buf_init(&b, 1 << 16);
            rc = vcm_tpl_render(s, round % 2 ? "r" : NULL, "r", d, "en", &b, err, sizeof err);
            if (rc < 0)
                assert_true(err[0] != '\0');
            vcm_buf_release(&b);
        }
        vcm_tpl_set_free(s);
    }
    assert_true(compiled > 100); /* the generator reaches the renderer */
    json_decref(d);
}

static int setup(void **state)
{
    (void)state;
    static const char en[] = "test.greeting\tHello <you> & co\n"
                             "test.items\t{n, plural, one {# item <b>} other {# items <b>}}\n"
                             "test.bad\t{n, plural, one {#}}\n";
    static const char de[] = "test.greeting\tHallo\n";
    static const char fr[] = "test.items\t{n, plural, one {# objet} other {# objets}}\n";
    char err[256];
    if (vcm_i18n_load("en", en, sizeof en - 1, err, sizeof err) < 0 ||
        vcm_i18n_load("de", de, sizeof de - 1, err, sizeof err) < 0 ||
        vcm_i18n_load("fr", fr, sizeof fr - 1, err, sizeof err) < 0) {
        fprintf(stderr, "catalogues: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vcm_i18n_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_each),
        cmocka_unit_test(test_conditionals),
        cmocka_unit_test(test_number_and_t),
        cmocka_unit_test(test_plural),
        cmocka_unit_test(test_raw_and_comments),
        cmocka_unit_test(test_xss_contexts),
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_script),
        cmocka_unit_test(test_html_tokenizer),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_include_and_layout),
        cmocka_unit_test(test_include_cycle),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_random_templates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
