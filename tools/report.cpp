// What the report writers share: format names, the dispatch to each writer,
// and number formatting.
#include "report.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <utility>

namespace fnprof {
namespace {

constexpr std::array<std::pair<std::string_view, ReportFormat>, 9> kFormats = {{
    {"text", ReportFormat::Text},
    {"json", ReportFormat::Json},
    {"csv", ReportFormat::Csv},
    {"md", ReportFormat::Markdown},
    {"html", ReportFormat::Html},
    {"folded", ReportFormat::Folded},
    {"callgrind", ReportFormat::Callgrind},
    {"pprof", ReportFormat::Pprof},
    {"chrome", ReportFormat::Chrome},
}};

}  // namespace

std::string_view report_format_name(ReportFormat format) {
  for (const auto& [name, f] : kFormats)
    if (f == format) return name;
  return "?";
}

bool parse_report_format(std::string_view name, ReportFormat& format) {
  for (const auto& [n, f] : kFormats)
    if (n == name) return format = f, true;
  return false;
}

void write_report(std::ostream& out, ReportFormat format, const Profile& profile,
                  const ReportOptions& options) {
  switch (format) {
    case ReportFormat::Text:
      return write_text_report(out, profile, options);
    case ReportFormat::Json:
      return write_json_report(out, profile, options);
    case ReportFormat::Csv:
      return write_csv_report(out, profile, options);
    case ReportFormat::Markdown:
      return write_markdown_report(out, profile, options);
    case ReportFormat::Html:
      return write_html_report(out, profile, options);
    case ReportFormat::Folded:
      return write_folded_report(out, profile, options);
    case ReportFormat::Callgrind:
      return write_callgrind_report(out, profile, options);
    case ReportFormat::Pprof:
      return write_pprof_report(out, profile, options);
    case ReportFormat::Chrome:
      return write_chrome_report(out, profile, options);
  }
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

std::string command_line(const std::vector<std::string>& args) {
  std::string command;
  for (const std::string& arg : args) {
    if (!command.empty()) command += ' ';
    if (!arg.empty() && arg.find_first_of(" \t\n'\"\\$`") == std::string::npos) {
      command += arg;
      continue;
    }
    command += '\'';
    for (char c : arg) command += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += '\'';
  }
  return command;
}

std::string dump_names(const Profile& profile) {
  std::string names;
  for (const ProcessSummary& p : profile.processes) names += (names.empty() ? "" : ", ") + p.dump_path;
  return names;
}

const std::string& function_name(const Profile& profile, uint32_t function) {
  static const std::string root = "<root>";
  return function == kNoFunction ? root : profile.functions[function].symbol.function;
}

}  // namespace fnprof
