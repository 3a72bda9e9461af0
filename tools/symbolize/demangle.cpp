// LLVM's demangler first, libstdc++'s when it gives up: LLVM 14 rejects some
// of GCC's manglings that GCC's own demangler reads, e.g. a dependent name
// written `sr St <name>` (std::enable_if<!std::is_convertible<T, U>::value>
// in googletest's AssertionResult constructor), which Clang mangles as
// `sr 3std <name>`. The fallback keeps LLVM's spelling of clone suffixes, so
// one function's clones read alike whichever demangler named them.
#include "symbolize/demangle.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

#include <llvm/Demangle/Demangle.h>

namespace fnprof {
namespace {

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using Demangled = std::unique_ptr<char, FreeDeleter>;

}  // namespace

std::string demangle(const std::string& name) {
  if (name.compare(0, 2, "_Z") != 0) return name;
  int status = 0;
  if (Demangled llvm_name{llvm::itaniumDemangle(name.c_str(), nullptr, nullptr, &status)})
    return llvm_name.get();
  // A mangled name has no '.': what follows one is GCC's clone suffix
  // (.constprop.0, .isra.0, .cold), which __cxa_demangle would spell
  // "[clone .isra.0]".
  const size_t dot = name.find('.');
  const std::string base = name.substr(0, dot);
  Demangled gnu_name{abi::__cxa_demangle(base.c_str(), nullptr, nullptr, &status)};
  if (!gnu_name) return name;
  std::string result = gnu_name.get();
  if (dot != std::string::npos) result += " (" + name.substr(dot) + ")";
  return result;
}

}  // namespace fnprof
