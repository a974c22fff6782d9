/* The safe XML reader (src/io/xml.c): external entities are never loaded
 * (no file read, no network), entity expansion never runs, and documents
 * past the depth, text and record limits are refused with an error naming
 * the document and the line, in bounded memory. */
#include "testutil.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "io/xml.h"

#define LIDO "xmlns:lido=\"http://www.lido-schema.org\""

static int next_in(const char *doc, const vcm_xml_limits *lim, char *err, size_t errlen,
                   int *records)
{
    vcm_xml *x = vcm_xml_open_memory(doc, strlen(doc), "doc.xml", lim, err, errlen);
    assert_non_null(x);
    int r;
    *records = 0;
    xmlNode *n;
    long line;
    while ((r = vcm_xml_next(x, "http://www.lido-schema.org", "lido", &n, &line, err, errlen)) ==
           1)
        (*records)++;
    vcm_xml_close(x);
    return r;
}

static void test_records_stream_with_lines(void **state)
{
    (void)state;
    const char *doc = "<?xml version=\"1.0\"?>\n<lido:lidoWrap " LIDO ">\n"
                      "<lido:lido><lido:lidoRecID>a</lido:lidoRecID></lido:lido>\n\n"
                      "<lido:lido><lido:lidoRecID>b</lido:lidoRecID></lido:lido>\n"
                      "</lido:lidoWrap>\n";
    vcm_xml *x = vcm_xml_open_memory(doc, strlen(doc), "doc.xml", NULL, NULL, 0);
    assert_non_null(x);
    char err[300];
    xmlNode *n;
    long line;
    assert_int_equal(vcm_xml_next(x, "http://www.lido-schema.org", "lido", &n, &line, err,
                                  sizeof err),
                     1);
    assert_int_equal(line, 3);
    char *t = vcm_xml_text(n);
    assert_string_equal(t, "a");
    free(t);
    assert_int_equal(vcm_xml_next(x, "http://www.lido-schema.org", "lido", &n, &line, err,
                                  sizeof err),
                     1);
    assert_int_equal(line, 5);
    assert_int_equal(vcm_xml_next(x, "http://www.lido-schema.org", "lido", &n, &line, err,
                                  sizeof err),
                     0);
    vcm_xml_close(x);
}

static void test_malformed_names_file_and_line(void **state)
{
    (void)state;
    char err[300];
    int n;
    assert_int_equal(next_in("<a>\n<b>\n</a>\n", NULL, err, sizeof err, &n), -1);
    assert_contains(err, "doc.xml:3:");
    /* bytes that are not UTF-8: one line, naming where */
    assert_int_equal(next_in("<?xml version=\"1.0\"?>\n<a>\n<b>\xff\xfe</b></a>\n", NULL, err,
                             sizeof err, &n),
                     -1);
    assert_contains(err, "doc.xml:3:");
    assert_null(strchr(err, '\n'));
}

/* XXE: a file entity must not be read, whatever the document asks. */
static void test_xxe_file_not_read(void **state)
{
    (void)state;
    char err[300];
    int n;
    const char *doc = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE lido:lido [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                      "<lido:lido " LIDO "><lido:lidoRecID>&xxe;</lido:lidoRecID></lido:lido>\n";
    assert_int_equal(next_in(doc, NULL, err, sizeof err, &n), -1);
    assert_int_equal(n, 0);
    assert_contains(err, "doc.xml:");
    assert_contains(err, "entit");
    assert_not_contains(err, "root:");
    /* the external DTD form too, and a parameter entity */
    const char *dtd = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE r SYSTEM \"file:///etc/passwd\">\n<r>x</r>\n";
    assert_int_equal(next_in(dtd, NULL, err, sizeof err, &n), 0);
    const char *pe = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "
                     "\"file:///etc/passwd\"> %p;]>\n<r/>\n";
    assert_int_equal(next_in(pe, NULL, err, sizeof err, &n), -1);
    assert_not_contains(err, "root:");
}

/* XXE over http: nothing connects to the server the document names. */
static void test_xxe_no_network(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    assert_int_equal(listen(fd, 4), 0);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    char doc[600], err[300];
    int n;
    snprintf(doc, sizeof doc,
             "<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"http://127.0.0.1:%d/x.dtd\">\n"
             "<lido:lido " LIDO "><lido:lidoRecID>a</lido:lidoRecID></lido:lido>\n",
             ntohs(sa.sin_port));
    next_in(doc, NULL, err, sizeof err, &n);
    snprintf(doc, sizeof doc,
             "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM \"http://127.0.0.1:%d/e\">]>"
             "\n<lido:lido " LIDO "><lido:lidoRecID>&e;</lido:lidoRecID></lido:lido>\n",
             ntohs(sa.sin_port));
    assert_int_equal(next_in(doc, NULL, err, sizeof err, &n), -1);
    int c = accept(fd, NULL, NULL);
    assert_int_equal(c, -1); /* no connection came */
    close(fd);
}

static const char laughs[] =
    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n<lido:lido " LIDO "><lido:lidoRecID>&lol9;</lido:lidoRecID></lido:lido>\n";

/* Billion laughs: a clear error, in a child whose address space is capped
 * at 256 MiB (the expansion would need gigabytes), and the child's peak
 * memory stays small. */
static void test_billion_laughs_bounded(void **state)
{
    (void)state;
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pfd[0]);
        struct rlimit rl = {256u << 20, 256u << 20};
        setrlimit(RLIMIT_AS, &rl);
        char err[300] = "";
        int n;
        int r = next_in(laughs, NULL, err, sizeof err, &n);
        dprintf(pfd[1], "%d %s", r, err);
        _exit(0);
    }
    close(pfd[1]);
    char got[400] = "";
    ssize_t k = read(pfd[0], got, sizeof got - 1);
    close(pfd[0]);
    int st;
    struct rusage ru;
    assert_int_equal(wait4(pid, &st, 0, &ru), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_true(k > 0);
    assert_contains(got, "-1 doc.xml:3:");
    assert_contains(got, "entit");
    /* ru_maxrss in KiB: well under 64 MiB, where the expansion needs 3 GB */
    print_message("billion laughs: child peak RSS %ld KiB; %s\n", ru.ru_maxrss, got);
    assert_true(ru.ru_maxrss < 64 * 1024);
}

static void test_deep_nesting_refused(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 1u << 20);
    vcm_buf_puts(&b, "<lido:lido " LIDO ">\n");
    for (int i = 0; i < 100; i++)
        vcm_buf_puts(&b, "<lido:x>\n");
    for (int i = 0; i < 100; i++)
        vcm_buf_puts(&b, "</lido:x>");
    vcm_buf_puts(&b, "</lido:lido>\n");
    char err[300];
    int n;
    assert_int_equal(next_in(b.data, NULL, err, sizeof err, &n), -1);
    assert_contains(err, "doc.xml:");
    assert_contains(err, "nested deeper than 64");
    /* also outside a record */
    vcm_buf_reset(&b);
    for (int i = 0; i < 100; i++)
        vcm_buf_puts(&b, "<x>");
    for (int i = 0; i < 100; i++)
        vcm_buf_puts(&b, "</x>");
    assert_int_equal(next_in(b.data, NULL, err, sizeof err, &n), -1);
    assert_contains(err, "nested deeper than 64");
    vcm_buf_release(&b);
}

static void test_huge_text_refused(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 8u << 20);
    vcm_buf_puts(&b, "<lido:lido " LIDO ">\n<lido:lidoRecID>");
    for (int i = 0; i < (2 << 20) / 8; i++)
        vcm_buf_puts(&b, "abcdefgh");
    vcm_buf_puts(&b, "</lido:lidoRecID></lido:lido>\n");
    char err[300];
    int n;
    assert_int_equal(next_in(b.data, NULL, err, sizeof err, &n), -1);
    assert_contains(err, "doc.xml:2:");
    assert_contains(err, "longer than 1048576 bytes");
    /* a record over the byte cap is refused while it is read */
    vcm_buf_release(&b);
    vcm_buf_init(&b, 64u << 20);
    vcm_buf_puts(&b, "<lido:lido " LIDO ">\n");
    for (int i = 0; i < (40 << 20) / 32; i++)
        vcm_buf_puts(&b, "<lido:a>0123456789abcdef</lido:a>");
    vcm_buf_puts(&b, "</lido:lido>\n");
    vcm_xml_limits lim = {.max_nodes = 10000000};
    assert_int_equal(next_in(b.data, &lim, err, sizeof err, &n), -1);
    assert_contains(err, "larger than");
    vcm_buf_release(&b);
}

static void test_utf16_refused(void **state)
{
    (void)state;
    const char doc[] = "\xFF\xFE<\0a\0/\0>\0";
    char err[300];
    vcm_xml *x = vcm_xml_open_memory(doc, sizeof doc - 1, "u.xml", NULL, err, sizeof err);
    assert_non_null(x);
    xmlNode *n;
    long line;
    assert_int_equal(vcm_xml_next(x, "urn:x", "a", &n, &line, err, sizeof err), -1);
    assert_contains(err, "UTF-8");
    vcm_xml_close(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_stream_with_lines),
        cmocka_unit_test(test_malformed_names_file_and_line),
        cmocka_unit_test(test_xxe_file_not_read),
        cmocka_unit_test(test_xxe_no_network),
        cmocka_unit_test(test_billion_laughs_bounded),
        cmocka_unit_test(test_deep_nesting_refused),
        cmocka_unit_test(test_huge_text_refused),
        cmocka_unit_test(test_utf16_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
