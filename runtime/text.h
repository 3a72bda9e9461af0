// Small strings built without snprintf, which is not async-signal-safe and
// which the program may interpose: file names under /proc, the dump's
// names and messages.
#pragma once

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

namespace fnprof::rt {

struct Text {
  char s[PATH_MAX + 64];
  size_t n = 0;
  Text& operator<<(const char* p) {
    while (*p && n + 1 < sizeof s) s[n++] = *p++;
    s[n] = '\0';
    return *this;
  }
  Text& operator<<(uint64_t v) {
    char digits[24];
    int i = 0;
    do digits[i++] = static_cast<char>('0' + v % 10);
    while (v /= 10);
    while (i && n + 1 < sizeof s) s[n++] = digits[--i];
    s[n] = '\0';
    return *this;
  }
};

}  // namespace fnprof::rt
