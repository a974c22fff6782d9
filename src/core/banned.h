/* Functions that have caused too many bugs elsewhere: using one is a compile
 * error. Use vcm_buf_* (buf.h) for strings and gmtime_r for times. */
#ifndef VCM_BANNED_H
#define VCM_BANNED_H
#undef strcpy
#define strcpy(a, b) vcm_banned_strcpy_use_memcpy_or_vcm_buf
#undef strcat
#define strcat(a, b) vcm_banned_strcat_use_vcm_buf
#undef sprintf
#define sprintf(...) vcm_banned_sprintf_use_snprintf_or_vcm_buf_printf
#undef vsprintf
#define vsprintf(...) vcm_banned_vsprintf_use_vsnprintf
#undef strtok
#define strtok(a, b) vcm_banned_strtok_use_strtok_r
#undef gmtime
#define gmtime(t) vcm_banned_gmtime_use_gmtime_r
#undef localtime
#define localtime(t) vcm_banned_localtime_use_localtime_r
#endif
