/* A node folder of its own for a command that renders the site's pages
 * beside a running server on the same --media: the server holds the image
 * derivative cache of its node folder (one process a folder), and the
 * command needs neither that cache nor the server's search index. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "web/web.h"
#include "core/banned.h"

int vcm_cli_node_temp(vcm_web_config *w, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    char dir[sizeof w->node_dir];
    int n = snprintf(dir, sizeof dir, "%s/vcm-node-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (n < 0 || (size_t)n >= sizeof dir || !mkdtemp(dir)) {
        snprintf(err, errlen, "cannot make a temporary folder in %s: %s",
                 tmp && *tmp ? tmp : "/tmp", n < 0 || (size_t)n >= sizeof dir ? "path too long"
                                                                              : strerror(errno));
        return -1;
    }
    memcpy(w->node_dir, dir, sizeof dir);
    return 0;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void vcm_cli_node_remove(const vcm_web_config *w)
{
    if (w->node_dir[0])
        nftw(w->node_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
