#include "settings.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runtime_api.h"
#include "stack_table.h"

namespace fnprof::alloc {

constinit Settings g_settings;

namespace {

void warn_setting(const char* name) { fnprof_rt_warn_once("ignoring an invalid value of ", name); }

}  // namespace

const char* env_value(const char* name) {
  size_t len = strlen(name);
  for (char** e = environ; e && *e; ++e)
    if (strncmp(*e, name, len) == 0 && (*e)[len] == '=') return *e + len + 1;
  return nullptr;
}

void read_settings() {
  if (const char* v = env_value("FNPROF_ALLOC_STACKS"); v && *v) {
    if (strcmp(v, "auto") == 0) g_settings.stack_mode = format::AllocStackMode::Auto;
    else if (strcmp(v, "unwind") == 0) g_settings.stack_mode = format::AllocStackMode::Unwind;
    else if (strcmp(v, "shadow") == 0) g_settings.stack_mode = format::AllocStackMode::Shadow;
    else warn_setting("FNPROF_ALLOC_STACKS (auto, unwind or shadow)");
  }
  if (const char* v = env_value("FNPROF_STACK_DEPTH"); v && *v) {
    char* end;
    unsigned long depth = strtoul(v, &end, 10);
    if (*end || depth == 0) warn_setting("FNPROF_STACK_DEPTH");
    else g_settings.stack_depth = depth > kMaxStackDepth ? kMaxStackDepth : static_cast<uint32_t>(depth);
  }
  if (const char* v = env_value("FNPROF_SAMPLE_INTERVAL"); v && *v) {
    // A number with an optional unit: ns, us, ms (the default) or s; 0 stops
    // sampling.
    char* end;
    double n = strtod(v, &end);
    double scale = strcmp(end, "ns") == 0 ? 1 : strcmp(end, "us") == 0 ? 1e3
                 : strcmp(end, "ms") == 0 || !*end ? 1e6 : strcmp(end, "s") == 0 ? 1e9 : -1;
    if (scale < 0 || n < 0) warn_setting("FNPROF_SAMPLE_INTERVAL (e.g. 100ms)");
    else g_settings.sample_interval_ns = static_cast<uint64_t>(n * scale);
  }
}

}  // namespace fnprof::alloc
