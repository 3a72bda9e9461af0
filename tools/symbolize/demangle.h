// Itanium C++ names to the names people read.
#pragma once

#include <string>

namespace fnprof {

// "_ZN2ns1fEi.isra.0" -> "ns::f(int) (.isra.0)"; a name that is not mangled
// (C, or DWARF's plain name) comes back as it is, and so does one that no
// demangler understands.
std::string demangle(const std::string& name);

}  // namespace fnprof
