// Reading the symbol tables once per module; see elf_symbols.h.
#include "symbolize/elf_symbols.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>

namespace fnprof {
namespace {

using llvm::object::SymbolRef;

// The function symbol, or nothing for any other symbol and for one that
// does not read (a table that lies costs its names, not the report).
std::optional<ElfSymbols::Symbol> function_symbol(const llvm::object::ELFSymbolRef& s) {
  auto type = s.getType();
  auto flags = s.getFlags();
  auto address = s.getAddress();
  auto name = s.getName();
  if (!type || !flags || !address || !name) {
    llvm::consumeError(type.takeError());
    llvm::consumeError(flags.takeError());
    llvm::consumeError(address.takeError());
    llvm::consumeError(name.takeError());
    return std::nullopt;
  }
  if (*type != SymbolRef::ST_Function || (*flags & SymbolRef::SF_Undefined) || *address == 0 || name->empty())
    return std::nullopt;
  return ElfSymbols::Symbol{*address, s.getSize(), name->str()};
}

}  // namespace

ElfSymbols::ElfSymbols(const llvm::object::ObjectFile& object) {
  const auto* elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(&object);
  if (!elf) return;
  for (const llvm::object::ELFSymbolRef& s : elf->symbols())
    if (auto symbol = function_symbol(s)) symbols_.push_back(std::move(*symbol));
  for (const llvm::object::ELFSymbolRef& s : elf->getDynamicSymbolIterators())
    if (auto symbol = function_symbol(s)) symbols_.push_back(std::move(*symbol));
  std::stable_sort(symbols_.begin(), symbols_.end(),
                   [](const Symbol& a, const Symbol& b) { return a.address < b.address; });
  // .dynsym repeats .symtab's exported functions.
  std::vector<Symbol> unique;
  for (Symbol& s : symbols_) {
    bool seen = false;
    for (auto it = unique.rbegin(); it != unique.rend() && it->address == s.address; ++it)
      seen = seen || it->name == s.name;
    if (!seen) unique.push_back(std::move(s));
  }
  symbols_ = std::move(unique);
}

std::vector<std::string> ElfSymbols::names_at(uint64_t address) const {
  auto it = std::lower_bound(symbols_.begin(), symbols_.end(), address,
                             [](const Symbol& s, uint64_t a) { return s.address < a; });
  std::vector<std::string> names;
  for (; it != symbols_.end() && it->address == address; ++it) names.push_back(it->name);
  return names;
}

const ElfSymbols::Symbol* ElfSymbols::containing(uint64_t address) const {
  auto it = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                             [](uint64_t a, const Symbol& s) { return a < s.address; });
  if (it == symbols_.begin()) return nullptr;
  // Of the symbols at the closest start below, the one that says the most
  // about its extent (an alias may have no size); as LLVM does, a symbol
  // without a size holds everything up to the next one.
  const uint64_t start = std::prev(it)->address;
  auto group = std::lower_bound(symbols_.begin(), it, start,
                                [](const Symbol& s, uint64_t a) { return s.address < a; });
  const Symbol* best = &*group;
  for (; group != it; ++group)
    if (group->size > best->size) best = &*group;
  return best->size == 0 || address < best->address + best->size ? best : nullptr;
}

}  // namespace fnprof
