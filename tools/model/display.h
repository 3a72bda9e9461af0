// How the model's quantities and names read in every human-readable output
// and in the findings' titles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fnprof {

// "0", "12ns", "3.40µs", "12.3ms", "1.23s", "4m 5.67s", "2h 3m 4s".
std::string format_duration(double seconds);

// "1234567" -> "1,234,567".
std::string group_digits(uint64_t n);

// "512 B", "4.2 KiB", "45.6 MiB", "1.20 GiB".
std::string format_bytes(uint64_t bytes);

// "950.00/s", "12.35k/s", "1.20M/s", "3.00G/s".
std::string format_rate(double per_second);

// "12.3%", or "-" when `whole` is 0.
std::string percent(double part, double whole);

// `name` cut to at most `width` characters (code points): parameter lists and
// then template arguments collapse to "(…)" and "<…>", and what is still too
// long keeps its end, where the function's own name is.
std::string elide_name(std::string_view name, size_t width);

// Characters (code points) of UTF-8 text, for column widths.
size_t code_points(std::string_view s);

}  // namespace fnprof
