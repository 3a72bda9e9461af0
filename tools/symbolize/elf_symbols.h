// A module's function symbols (.symtab and .dynsym) by address: the names for
// code that DWARF does not describe, and every name one address has when
// identical-code folding (GCC's -fipa-icf, the linker's --icf) kept one copy
// of several functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llvm::object {
class ObjectFile;
}

namespace fnprof {

class ElfSymbols {
 public:
  struct Symbol {
    uint64_t address = 0;  // in the file
    uint64_t size = 0;     // 0 when the symbol does not say
    std::string name;      // as in the table (mangled)
  };

  ElfSymbols() = default;
  explicit ElfSymbols(const llvm::object::ObjectFile& object);

  // Every function symbol that starts at `address`, in table order.
  std::vector<std::string> names_at(uint64_t address) const;

  // The function symbol whose code holds `address`, null when none does.
  const Symbol* containing(uint64_t address) const;

 private:
  std::vector<Symbol> symbols_;  // by address, then table order; no duplicates
};

}  // namespace fnprof
