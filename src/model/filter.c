/* The filter's helpers and the rule of open rights (filter.h). */
#include "model/filter.h"

#include <string.h>

#include "core/banned.h"

const char *const vcm_open_rights_marks[] = {"/publicdomain/", "/licenses/by/",
                                             "/licenses/by-sa/", NULL};

bool vcm_rights_open(const char *rights)
{
    for (size_t i = 0; rights && vcm_open_rights_marks[i]; i++)
        if (strstr(rights, vcm_open_rights_marks[i]))
            return true;
    return false;
}

bool vcm_filter_narrows(const vcm_filter *f)
{
    return (f->regions & 7u) || f->country[0] || f->museum || f->classification || f->century ||
           f->has_date || f->image || f->open || f->material;
}
