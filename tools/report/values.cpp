// How a table's values read; see values.h.
#include "report/values.h"

#include <fmt/format.h>

#include "model/display.h"

namespace fnprof {
namespace {

// The value as a double, whatever number it holds.
double number(const Value& v) {
  if (auto* u = std::get_if<uint64_t>(&v)) return static_cast<double>(*u);
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* d = std::get_if<double>(&v)) return *d;
  return 0;
}

std::string hex(const Value& v) {
  auto* u = std::get_if<uint64_t>(&v);
  return u ? fmt::format("{:#x}", *u) : fmt::format("{:.0f}", number(v));
}

std::string signed_digits(int64_t n) {
  return n < 0 ? "-" + group_digits(static_cast<uint64_t>(-n)) : group_digits(static_cast<uint64_t>(n));
}

std::string integer(const Value& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* u = std::get_if<uint64_t>(&v)) return std::to_string(*u);
  return fmt::format("{:.0f}", number(v));
}

}  // namespace

std::string human_text(Kind kind, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return "";
  if (auto* s = std::get_if<std::string>(&value)) return *s;
  switch (kind) {
    case Kind::Count:
    case Kind::Bytes:
      if (auto* u = std::get_if<uint64_t>(&value)) return kind == Kind::Bytes ? format_bytes(*u) : group_digits(*u);
      break;
    case Kind::Signed:
      if (auto* i = std::get_if<int64_t>(&value)) return signed_digits(*i);
      break;
    case Kind::Seconds: return format_duration(number(value));
    case Kind::Percent: return fmt::format("{:.1f}%", number(value));
    case Kind::Rate: return format_rate(number(value));
    case Kind::Address: return hex(value);
    case Kind::Id:
    case Kind::Text:
    case Kind::Name:
    case Kind::Location: break;
  }
  return machine_text(kind, value);
}

std::string machine_text(Kind kind, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return "";
  if (auto* s = std::get_if<std::string>(&value)) return *s;
  switch (kind) {
    case Kind::Seconds: return fmt::format("{:.12g}", number(value));
    case Kind::Percent:
    case Kind::Rate: return fmt::format("{:.6g}", number(value));
    case Kind::Address: return hex(value);
    default: break;
  }
  if (std::holds_alternative<double>(value)) return fmt::format("{:.12g}", number(value));
  return integer(value);
}

bool right_aligned(Kind kind) {
  switch (kind) {
    case Kind::Text:
    case Kind::Name:
    case Kind::Location: return false;
    default: return true;
  }
}

}  // namespace fnprof
