// The registry of output formats and what the writers share.
#include "report/report.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace fnprof {
namespace {

// A function's static, so that it exists before the first registration runs
// (the formats' registrations are static objects of other files).
std::vector<ReportFormat>& registry() {
  static std::vector<ReportFormat> formats;
  return formats;
}

}  // namespace

FormatRegistration::FormatRegistration(const ReportFormat& format) {
  auto& formats = registry();
  formats.insert(std::upper_bound(formats.begin(), formats.end(), format,
                                  [](const ReportFormat& a, const ReportFormat& b) { return a.name < b.name; }),
                 format);
}

const std::vector<ReportFormat>& report_formats() { return registry(); }

const ReportFormat* find_report_format(std::string_view name) {
  for (const ReportFormat& f : registry())
    if (f.name == name) return &f;
  return nullptr;
}

void write_report(std::ostream& out, std::string_view name, const Profile& profile, const ReportOptions& options) {
  const ReportFormat* format = find_report_format(name);
  if (!format) throw std::invalid_argument("unknown report format '" + std::string(name) + "'");
  format->write(out, build_report(profile, options));
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

}  // namespace fnprof
