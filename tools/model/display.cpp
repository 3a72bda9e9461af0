// How the model's quantities and names read in every human-readable output
// (and in the findings' titles): durations, counts, byte sizes, rates,
// percentages, and C++ names cut to a column's width.
#include "model/display.h"

#include <fmt/format.h>

#include <cmath>

namespace fnprof {
size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

namespace {

// Copies `s` with the contents of every outermost `open`...`close` pair
// replaced by "…". Operator names ("operator<<", "operator()") and
// "(anonymous namespace)" are names, not brackets, and are copied as they are.
std::string collapse(std::string_view s, char open, char close) {
  std::string out;
  int depth = 0;
  for (size_t i = 0; i < s.size();) {
    std::string_view rest = s.substr(i);
    size_t token = 0;
    if (rest.starts_with("(anonymous namespace)")) {
      token = sizeof "(anonymous namespace)" - 1;
    } else if (rest.starts_with("operator")) {
      token = sizeof "operator" - 1;
      if (rest.substr(token).starts_with("()")) {
        token += 2;
      } else {
        while (token < rest.size() &&
               std::string_view("<>=!+-*/%&|^~[],").find(rest[token]) != std::string_view::npos)
          ++token;
      }
    }
    if (token) {
      if (depth == 0) out += rest.substr(0, token);
      i += token;
      continue;
    }
    char c = s[i++];
    if (c == open) {
      if (depth++ == 0) out += open, out += "…";
    } else if (c == close && depth > 0) {
      if (--depth == 0) out += close;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_duration(double seconds) {
  if (!(seconds > 0)) return "0";
  // Three significant digits; thresholds sit where rounding would show 1000.
  auto sig3 = [](double v, const char* unit) {
    int decimals = v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2;
    return fmt::format("{:.{}f}{}", v, decimals, unit);
  };
  if (seconds < 999.5e-9) return sig3(seconds * 1e9, "ns");
  if (seconds < 999.5e-6) return sig3(seconds * 1e6, "µs");
  if (seconds < 999.5e-3) return sig3(seconds * 1e3, "ms");
  if (seconds < 59.995) return sig3(seconds, "s");
  if (seconds < 3600) {
    double minutes = std::floor(seconds / 60);
    double rest = seconds - minutes * 60;
    if (rest >= 59.995) minutes += 1, rest = 0;
    return fmt::format("{:.0f}m {:.2f}s", minutes, rest);
  }
  auto total = static_cast<uint64_t>(std::llround(seconds));
  return fmt::format("{}h {}m {}s", total / 3600, total / 60 % 60, total % 60);
}

std::string group_digits(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_bytes(uint64_t bytes) {
  double b = static_cast<double>(bytes);
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (b < 1024.0 * 1024) return fmt::format("{:.1f} KiB", b / 1024);
  if (b < 1024.0 * 1024 * 1024) return fmt::format("{:.1f} MiB", b / (1024.0 * 1024));
  return fmt::format("{:.2f} GiB", b / (1024.0 * 1024 * 1024));
}

std::string format_rate(double per_second) {
  double a = std::abs(per_second);
  if (a >= 1e9) return fmt::format("{:.2f}G/s", per_second / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f}M/s", per_second / 1e6);
  if (a >= 1e3) return fmt::format("{:.2f}k/s", per_second / 1e3);
  return fmt::format("{:.2f}/s", per_second);
}

std::string percent(double part, double whole) {
  return whole > 0 ? fmt::format("{:.1f}%", 100 * part / whole) : "-";
}

std::string elide_name(std::string_view name, size_t width) {
  std::string s(name);
  if (code_points(s) <= width) return s;
  s = collapse(s, '(', ')');
  if (code_points(s) <= width) return s;
  s = collapse(s, '<', '>');
  if (code_points(s) <= width) return s;
  // Keep the end, cutting on a code point boundary.
  size_t keep = width > 1 ? width - 1 : 0, start = s.size();
  for (size_t n = 0; start > 0 && n < keep;) {
    --start;
    if ((static_cast<unsigned char>(s[start]) & 0xc0) != 0x80) ++n;
  }
  return "…" + s.substr(start);
}

}  // namespace fnprof
