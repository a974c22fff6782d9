#include <stdio.h>

#include "cli/cli.h"
#include "core/banned.h"

int vcm_cmd_serve(vcm_config *c)
{
    (void)c;
    fprintf(stderr, "vcm serve: not yet\n");
    return VCM_EXIT_FAIL;
}
