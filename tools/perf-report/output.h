// What perf-report's commands share around their outputs.
#pragma once

#include <string>

namespace fnprof {

// Writes `text` to standard output (`path` empty or "-") or to the file;
// throws std::runtime_error naming the file and the problem.
void write_output(const std::string& path, const std::string& text);

// "10", "10%", "2.5%" -> 0.10, 0.10, 0.025; throws CLI::ValidationError
// naming `option` for anything else, or for 0 or less.
double parse_percent(std::string text, const std::string& option);

}  // namespace fnprof
