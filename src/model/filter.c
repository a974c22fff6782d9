/* The filter's helpers and the rule of open rights (filter.h). */
#include "model/filter.h"

#include <ctype.h>
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
           f->has_date || f->image || f->open || f->material || vcm_filter_has_origin(f) || f->theme;
}

bool vcm_filter_has_origin(const vcm_filter *f)
{
    return f->origin_regions || f->origin_countries[0][0];
}

int vcm_filter_origin_parse(vcm_filter *f, const char *v, size_t n)
{
    unsigned regions = 0;
    char countries[VCM_FILTER_ORIGINS][3] = {{0}};
    size_t nc = 0;
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && v[j] != ',')
            j++;
        size_t k = j - i;
        char word[32];
        if (k == 0 || k >= sizeof word)
            return -1;
        memcpy(word, v + i, k);
        word[k] = 0;
        vcm_origin_region r = vcm_origin_region_parse(word);
        if (r != VCM_ORIGIN_NONE) {
            regions |= 1u << r;
        } else if (k == 2 && isalpha((unsigned char)word[0]) && isalpha((unsigned char)word[1])) {
            if (nc == VCM_FILTER_ORIGINS)
                return -1;
            countries[nc][0] = (char)toupper((unsigned char)word[0]);
            countries[nc][1] = (char)toupper((unsigned char)word[1]);
            nc++;
        } else {
            return -1;
        }
        i = j + 1;
    }
    f->origin_regions = regions;
    memcpy(f->origin_countries, countries, sizeof countries);
    return 0;
}
