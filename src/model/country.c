#include "model/country.h"

#include <ctype.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/uregion.h>
#include <unicode/ustring.h>

#include "core/banned.h"

/* The languages a country's name is kept in: the network's working language
 * first, then the big languages of its members. */
static const struct {
    const char *tag, *icu;
} name_langs[] = {
    {"en", "en"}, {"fr", "fr"}, {"de", "de"}, {"es", "es"}, {"it", "it"}, {"nl", "nl"},
    {"ru", "ru"}, {"zh-Hans", "zh_Hans"}, {"zh-Hant", "zh_Hant"}, {"ja", "ja"}, {"ko", "ko"},
    {"th", "th"}, {"vi", "vi"}, {"id", "id"}, {"hi", "hi"},
};

int vcm_country_from_code(vcm_country *c, vcm_arena *a, const char *code)
{
    memset(c, 0, sizeof *c);
    if (strlen(code) != 2 || !isalpha((unsigned char)code[0]) || !isalpha((unsigned char)code[1]))
        return -1;
    c->code[0] = (char)toupper((unsigned char)code[0]);
    c->code[1] = (char)toupper((unsigned char)code[1]);
    UErrorCode e = U_ZERO_ERROR;
    const URegion *r = uregion_getRegionFromCode(c->code, &e);
    if (U_FAILURE(e) || !r || uregion_getType(r) != URGN_TERRITORY)
        return -1;
    e = U_ZERO_ERROR;
    const URegion *cont = uregion_getContainingRegionOfType(r, URGN_CONTINENT);
    const char *cc = cont ? uregion_getRegionCode(cont) : "";
    c->region = strcmp(cc, "142") == 0   ? VCM_REGION_ASIA
                : strcmp(cc, "150") == 0 ? VCM_REGION_EUROPE
                                         : VCM_REGION_OTHER;
    char locale[8] = "und_";
    memcpy(locale + 4, c->code, 3);
    for (size_t i = 0; i < sizeof name_langs / sizeof name_langs[0]; i++) {
        UChar u[128];
        e = U_ZERO_ERROR;
        int32_t n = uloc_getDisplayCountry(locale, name_langs[i].icu, u, 128, &e);
        if (U_FAILURE(e) || n <= 0 || e == U_USING_DEFAULT_WARNING)
            continue;
        char utf8[512];
        int32_t bl = 0;
        e = U_ZERO_ERROR;
        u_strToUTF8(utf8, sizeof utf8, &bl, u, n, &e);
        if (U_FAILURE(e) || bl <= 0 || (size_t)bl >= sizeof utf8)
            continue;
        /* ICU answers with the code itself when it has no name. */
        if (strcmp(utf8, c->code) == 0)
            continue;
        char *t = vcm_arena_strndup(a, utf8, (size_t)bl);
        if (!t || vcm_ltexts_add(&c->names, a, name_langs[i].tag, t) < 0)
            return -1;
    }
    return c->names.n ? 0 : -1;
}
