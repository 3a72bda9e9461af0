#include "ld_preload.h"

#include <string.h>
#include <unistd.h>

#include <cstddef>

#include "settings.h"

namespace fnprof::alloc {

void drop_from_preload() {
  const char* follow = env_value("FNPROF_FOLLOW_CHILDREN");
  const char* preload = env_value("LD_PRELOAD");
  if (!follow || strcmp(follow, "0") != 0 || !preload) return;
  static char entry[4096] = "LD_PRELOAD=";
  constexpr size_t kPrefix = sizeof "LD_PRELOAD=" - 1;
  char* kept = entry + kPrefix;
  const size_t kept_size = sizeof entry - kPrefix;
  size_t n = 0;
  const char* p = preload;
  while (*p) {
    size_t len = strcspn(p, ": ");
    const char* base = static_cast<const char*>(memrchr(p, '/', len));
    base = base ? base + 1 : p;
    bool ours = static_cast<size_t>(p + len - base) == strlen("libfnprof_alloc.so") &&
                memcmp(base, "libfnprof_alloc.so", len - (base - p)) == 0;
    if (!ours && len && n + len + 1 < kept_size) {
      if (n) kept[n++] = ':';
      memcpy(kept + n, p, len);
      n += len;
    }
    p += len;
    if (*p) ++p;
  }
  kept[n] = '\0';
  // Replace the entry in place, or take it out when nothing is left.
  char** e = environ;
  while (*e && !(strncmp(*e, "LD_PRELOAD=", kPrefix) == 0)) ++e;
  if (!*e) return;
  if (n) {
    *e = entry;
  } else {
    do e[0] = e[1];
    while (*++e);
  }
}

}  // namespace fnprof::alloc
