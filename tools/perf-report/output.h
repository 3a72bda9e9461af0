// What perf-report's commands share around their inputs and outputs.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace fnprof {

// What every message on standard error starts with.
inline constexpr const char* kPrefix = "perf-report: ";

// Parses the command line, then runs `check` (the options' conversions,
// which throw CLI::ValidationError). Returns std::nullopt to go on, or the
// exit status when the command is done: 0 after --help, 2 after a usage
// error, printed after kPrefix.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, const std::function<void()>& check = {});

// Writes `text` to standard output (`path` empty or "-") or to the file;
// throws std::runtime_error naming the file and the problem.
void write_output(const std::string& path, const std::string& text);

// "10", "10%", "2.5%" -> 0.10, 0.10, 0.025; throws CLI::ValidationError
// naming `option` for anything else, or for 0 or less.
double parse_percent(std::string text, const std::string& option);

}  // namespace fnprof
