/* Passwords that are long enough for VCM's rule (12 characters or more)
 * and yet among the first an attacker tries: keyboard walks, repeated
 * words, digit runs, and the words of this site's own trade. Compiled by
 * the project from the patterns that lists of breached passwords publish
 * year after year (no list is copied); public domain (CC0-1.0), as the rest
 * of the project's data. Shorter common passwords need no entry: the
 * length rule refuses them already. A password made of one character
 * repeated, or of one short unit (2 to 6 characters) repeated, is refused
 * by rule rather than listed. Compared without regard to case. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "model/user.h"
#include "core/banned.h"

static const char *const common[] = {
    "000000000000", "0000000000000", "0123456789012", "0987654321098", "098765432109",
    "1029384756102", "1111111111111", "111111111111", "1122334455667", "112233445566",
    "123123123123", "123321123321", "1234512345123", "123451234512", "123456123456",
    "1234567890123", "12345678901", "123456789012", "1234567890qwerty", "123456789abc",
    "123456789qwe", "123456789qwerty", "123456abcdef", "123456qwerty", "1234abcd1234",
    "1234qwer1234", "1234qwerasdf", "1234qwerasdfzxcv", "12qwaszx12qwaszx", "1q2w3e4r5t6y",
    "1q2w3e4r5t6y7u", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "1qazxsw23edc", "2wsx3edc4rfv",
    "987654321000", "987654321098", "9876543210987", "999999999999", "aa123456789a",
    "abc123abc123", "abc123456789", "abcd1234abcd", "abcdef123456", "abcdefghijkl",
    "abcdefghijklm", "administrator", "administrator1", "admin1234567", "adminadmin123",
    "asdfasdfasdf", "asdfghjkl123", "asdfghjkl1234", "asdfghjklqwe", "azertyuiop12",
    "azertyuiop123", "baseball1234", "basketball12", "basketball123", "changeme1234",
    "changemechangeme", "charlie12345", "chocolate123", "collection123", "computer1234",
    "correcthorsebatterystaple", "curator12345", "dragon123456", "dragondragon",
    "exhibition123", "football1234", "football12345", "freedom12345", "gallery12345",
    "hello1234567", "helloworld12", "helloworld123", "iloveyou1234", "iloveyou12345",
    "iloveyouiloveyou", "internet1234", "jennifer1234", "letmein12345", "letmeinletmein",
    "liverpool123", "masterpiece1", "masterpiece12", "masterpiece123", "michael12345",
    "monkey123456", "museum123456", "museummuseum", "mypassword123", "mypassword1234",
    "newpassword1", "newpassword12", "newpassword123", "p4ssw0rd1234", "p@ssw0rd1234",
    "p@ssword1234", "pass12345678", "pass1234pass", "passw0rd1234", "passw0rdpassw0rd",
    "password0000", "password1111", "password1212", "password1234", "password12345",
    "password123456", "password2020", "password2021", "password2022", "password2023",
    "password2024", "password2025", "password2026", "password2027", "passwordpassword",
    "princess1234", "qazwsxedcrfv", "qazwsxedc123", "qwe123qwe123", "qweasdzxc123",
    "qweasdzxcqwe", "qwer1234qwer", "qwerasdfzxcv", "qwerty123456", "qwerty1234567",
    "qwertyqwerty", "qwertyuiop12", "qwertyuiop123", "qwertyuiopasdf", "qwertyuiopasdfgh",
    "qwertyuiopasdfghjkl", "secret123456", "shadow123456", "soccer123456", "starwars1234",
    "sunshine1234", "superman1234", "trustno1trustno1", "welcome12345", "welcome123456",
    "welcomewelcome", "whatever1234", "zaq12wsxcde3", "zaq1xsw2cde3", "zxcvbnm12345",
    "zxcvbnm123456", "zxcvbnmasdfghjkl",
};

/* One unit of 1 to 6 characters typed again and again ("aaaaaaaaaaaa",
 * "abcabcabcabc"). */
static bool repeated(const char *pw)
{
    size_t n = strlen(pw);
    for (size_t unit = 1; unit <= 6 && unit < n; unit++) {
        if (n % unit)
            continue;
        size_t i = unit;
        while (i < n && strncasecmp(pw + i, pw, unit) == 0)
            i += unit;
        if (i >= n)
            return true;
    }
    return false;
}

bool vcm_password_common(const char *pw)
{
    if (repeated(pw))
        return true;
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        if (strcasecmp(pw, common[i]) == 0)
            return true;
    return false;
}
