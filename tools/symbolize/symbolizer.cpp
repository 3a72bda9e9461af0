// Symbolizes with LLVM's symbolizer (the library behind llvm-symbolizer): it
// reads DWARF and follows .gnu_debuglink and build-id debug files. Names come
// from DWARF's subprogram at the address, and only where DWARF has none from
// the ELF symbol table: LLVM's own option to prefer the symbol table
// (UseSymbolTable with linkage names) picks one of the names at the address
// arbitrarily, and after identical-code folding that is often another
// function's (XMLUnknown::~XMLUnknown for XMLNode::~XMLNode). The other
// symbols at a function's address are named with it: "A (same code as B)".
// What LLVM does not do either is say once, per module, why a file gave
// nothing; that bookkeeping and the per-(module, address) cache live here.
#include "symbolize/symbolizer.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Support/ConvertUTF.h>
#include <llvm/DebugInfo/Symbolize/Symbolize.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>

#include "symbolize/demangle.h"
#include "symbolize/elf_symbols.h"

namespace fnprof {
namespace {

using llvm::symbolize::LLVMSymbolizer;

std::string basename_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

template <class ELFT>
std::string build_id_of(const llvm::object::ELFFile<ELFT>& elf) {
  auto headers = elf.program_headers();
  if (!headers) return llvm::consumeError(headers.takeError()), std::string();
  for (const auto& header : *headers) {
    if (header.p_type != llvm::ELF::PT_NOTE) continue;
    llvm::Error error = llvm::Error::success();
    for (const auto& note : elf.notes(header, error)) {
      if (note.getType() == llvm::ELF::NT_GNU_BUILD_ID && note.getName() == llvm::ELF::ELF_NOTE_GNU) {
        llvm::ArrayRef<uint8_t> id = note.getDesc();
        llvm::consumeError(std::move(error));
        return std::string(id.begin(), id.end());
      }
    }
    llvm::consumeError(std::move(error));
  }
  return {};
}

// The raw GNU build-id of an ELF file, empty when it has none.
std::string build_id_of(const llvm::object::ObjectFile& object) {
  using namespace llvm::object;
  if (auto* elf = llvm::dyn_cast<ELF64LEObjectFile>(&object)) return build_id_of(elf->getELFFile());
  if (auto* elf = llvm::dyn_cast<ELF32LEObjectFile>(&object)) return build_id_of(elf->getELFFile());
  if (auto* elf = llvm::dyn_cast<ELF64BEObjectFile>(&object)) return build_id_of(elf->getELFFile());
  if (auto* elf = llvm::dyn_cast<ELF32BEObjectFile>(&object)) return build_id_of(elf->getELFFile());
  return {};
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

bool known(const std::string& s) { return !s.empty() && s != llvm::DILineInfo::BadString; }

std::optional<uint64_t> start_of(const llvm::DILineInfo& info) {
  return info.StartAddress ? std::optional<uint64_t>(*info.StartAddress) : std::nullopt;
}

}  // namespace

struct Symbolizer::Impl {
  LLVMSymbolizer llvm{[] {
    LLVMSymbolizer::Options options;
    options.Demangle = false;        // demangle() does, with a fallback LLVM lacks
    options.UseSymbolTable = false;  // DWARF's name wins; ElfSymbols covers the rest
    options.PrintFunctions = llvm::symbolize::FunctionNameKind::LinkageName;  // full signature
    return options;
  }()};
  std::map<std::string, bool> module_usable;         // by path: checked once
  std::map<std::string, ElfSymbols> module_symbols;  // by path, of the usable ones
  bool warned_outside = false;
  using Key = std::pair<std::string, uint64_t>;  // module path, file address
  std::map<Key, Frame> functions;
  std::map<Key, std::vector<Frame>> frames;
  std::vector<std::string> warnings;

  Key key(const Module* module, uint64_t address) const {
    return module ? Key(module->path, address - module->bias) : Key(std::string(), address);
  }

  // "libfoo.so+0x1234", or "0x7f0012345678" outside every module.
  Frame unresolved(const Module* module, uint64_t address) {
    Frame frame;
    frame.function = module ? fmt::format("{}+{:#x}", basename_of(module->path), address - module->bias)
                            : fmt::format("{:#x}", address);
    return frame;
  }

  static constexpr off_t kMaxModuleBytes = off_t{16} << 30;

  // Whether the module's file can be symbolized at all; warns once if not.
  bool usable(const Module* module) {
    if (!module) {
      if (!warned_outside)
        warnings.push_back("some addresses are outside every recorded module; shown as 0x<address>");
      warned_outside = true;
      return false;
    }
    auto [it, inserted] = module_usable.try_emplace(module->path, false);
    if (!inserted) return it->second;
    const std::string label = basename_of(module->path) + "+0x<offset>";
    struct stat st;
    if (::stat(module->path.c_str(), &st) != 0) {
      warnings.push_back(fmt::format("{}: cannot open: {}; its functions are shown as {}", module->path,
                                     std::strerror(errno), label));
      return false;
    }
    // The path comes from the dump: a device would be read for ever, a FIFO
    // block the open, and no binary is this large.
    if (!S_ISREG(st.st_mode) || st.st_size > kMaxModuleBytes) {
      warnings.push_back(fmt::format("{}: {}; its functions are shown as {}", module->path,
                                     S_ISREG(st.st_mode) ? "larger than any binary (over 16 GiB), not read"
                                                         : "not a regular file, not read",
                                     label));
      return false;
    }
    auto object = llvm::object::ObjectFile::createObjectFile(module->path);
    if (!object) {
      warnings.push_back(fmt::format("{}: cannot read symbols: {}; its functions are shown as {}",
                                     module->path, llvm::toString(object.takeError()), label));
      return false;
    }
    std::string on_disk = build_id_of(*object->getBinary());
    if (!module->build_id.empty() && !on_disk.empty() && on_disk != module->build_id)
      warnings.push_back(fmt::format(
          "{}: build-id {} differs from the profiled one ({}); the file changed since the run and "
          "its names may be wrong",
          module->path, hex(on_disk), hex(module->build_id)));
    module_symbols.try_emplace(module->path, *object->getBinary());
    return it->second = true;
  }

  // Names the function whose code holds `address` (in the module's file).
  // `dwarf_name` is DWARF's linkage name for it and `start` its first
  // address, when DWARF has them. False when nothing names the function.
  bool name_function(const Module* module, uint64_t address, const std::string& dwarf_name,
                     std::optional<uint64_t> start, Frame& frame) const {
    const ElfSymbols& symbols = module_symbols.at(module->path);
    if (!start)
      if (const ElfSymbols::Symbol* s = symbols.containing(address)) start = s->address;
    const std::vector<std::string> names = start ? symbols.names_at(*start) : std::vector<std::string>();
    std::string name = dwarf_name;
    if (name.empty() && names.empty()) return false;
    if (name.empty()) name = names.front();
    auto named = std::find(names.begin(), names.end(), name);
    // DWARF with line tables only (-gmlt) has plain names ("value" for
    // Cell::value() const): the symbol that spells it out in full.
    if (named == names.end() && name.compare(0, 2, "_Z") != 0)
      named = std::find_if(names.begin(), names.end(), [&](const std::string& n) {
        const std::string full = demangle(n);
        return full.compare(0, name.size() + 1, name + '(') == 0 ||
               full.find("::" + name + '(') != std::string::npos;
      });
    frame.function = demangle(named == names.end() ? name : *named);
    frame.resolved = true;
    if (named == names.end()) return true;
    // A constructor's or destructor's complete and base-object variants (C1
    // and C2) often share one body: the same name, said once. GCC's
    // "f.localalias" (a local symbol for f itself, so that calls from its own
    // library bypass interposition) is f, not other code folded into it.
    for (const std::string& other : names) {
      constexpr std::string_view kLocalAlias = ".localalias";
      if (other.size() > kLocalAlias.size() &&
          other.compare(other.size() - kLocalAlias.size(), kLocalAlias.size(), kLocalAlias) == 0)
        continue;
      std::string other_name = demangle(other);
      if (other_name != frame.function && std::find(frame.same_code_as.begin(), frame.same_code_as.end(),
                                                    other_name) == frame.same_code_as.end())
        frame.same_code_as.push_back(std::move(other_name));
    }
    std::string list;
    for (const std::string& other : frame.same_code_as) list += (list.empty() ? "" : ", ") + other;
    if (!list.empty()) frame.function += " (same code as " + list + ")";
    return true;
  }

  Frame lookup_function(const Module* module, uint64_t address) {
    if (!usable(module)) return unresolved(module, address);
    auto info = llvm.symbolizeCode(module->path,
                                   {address - module->bias, llvm::object::SectionedAddress::UndefSection});
    if (!info) {
      warn_once(module, llvm::toString(info.takeError()));
      return unresolved(module, address);
    }
    Frame frame;
    if (!name_function(module, address - module->bias, known(info->FunctionName) ? info->FunctionName : "",
                       start_of(*info), frame))
      return unresolved(module, address);
    // The declaration line when DWARF has it, else the line of the address.
    if (info->StartLine != 0 && known(info->StartFileName)) {
      frame.file = info->StartFileName;
      frame.line = info->StartLine;
    } else if (known(info->FileName)) {
      frame.file = info->FileName;
      frame.line = info->Line;
    }
    return frame;
  }

  std::vector<Frame> lookup_frames(const Module* module, uint64_t address) {
    if (!usable(module)) return {unresolved(module, address)};
    auto info = llvm.symbolizeInlinedCode(
        module->path, {address - module->bias, llvm::object::SectionedAddress::UndefSection});
    if (!info) {
      warn_once(module, llvm::toString(info.takeError()));
      return {unresolved(module, address)};
    }
    std::vector<Frame> result;
    for (uint32_t i = 0; i < info->getNumberOfFrames(); ++i) {
      const llvm::DILineInfo& line = info->getFrame(i);
      if (!known(line.FunctionName)) continue;
      Frame frame;
      frame.function = demangle(line.FunctionName);
      frame.resolved = true;
      if (known(line.FileName)) frame.file = line.FileName, frame.line = line.Line;
      result.push_back(std::move(frame));
    }
    // The outermost frame is the function that holds the code, named as
    // function_at() names it; inlined frames have no symbols of their own.
    const uint64_t file_address = address - module->bias;
    if (result.empty()) {
      Frame frame;
      if (!name_function(module, file_address, "", std::nullopt, frame)) return {unresolved(module, address)};
      result.push_back(std::move(frame));
    } else {
      const llvm::DILineInfo& outermost = info->getFrame(info->getNumberOfFrames() - 1);
      if (known(outermost.FunctionName))
        name_function(module, file_address, outermost.FunctionName, start_of(outermost), result.back());
    }
    return result;
  }

  void warn_once(const Module* module, const std::string& why) {
    std::string warning = fmt::format("{}: cannot symbolize: {}", module->path, why);
    for (const std::string& w : warnings)
      if (w == warning) return;
    warnings.push_back(std::move(warning));
  }
};

Symbolizer::Symbolizer() : impl_(std::make_unique<Impl>()) {}
Symbolizer::~Symbolizer() = default;

namespace {

// Names and paths come from the binaries, and nothing makes them UTF-8: an
// invalid byte becomes U+FFFD here, once, rather than in each format (pprof's
// strings and JSON must be UTF-8).
std::string valid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const llvm::UTF8*>(s.data());
  const auto* end = p + s.size();
  std::string out;
  while (p < end) {
    const unsigned n = llvm::getNumBytesForUTF8(*p);
    if (n <= static_cast<unsigned>(end - p) && llvm::isLegalUTF8Sequence(p, p + n)) {
      out.append(reinterpret_cast<const char*>(p), n);
      p += n;
    } else {
      out += "\uFFFD";
      ++p;
    }
  }
  return out;
}

// Where the frame was looked up, and its text made valid UTF-8.
void finish(Frame& frame, const Module* module, uint64_t address) {
  frame.function = valid_utf8(frame.function);
  frame.file = valid_utf8(frame.file);
  frame.module = module ? module->path : std::string();
  frame.address = module ? address - module->bias : address;
}

}  // namespace

const Frame& Symbolizer::function_at(const Module* module, uint64_t address) {
  auto [it, inserted] = impl_->functions.try_emplace(impl_->key(module, address));
  if (inserted) {
    it->second = impl_->lookup_function(module, address);
    finish(it->second, module, address);
  }
  return it->second;
}

const std::vector<Frame>& Symbolizer::frames_at(const Module* module, uint64_t address) {
  auto [it, inserted] = impl_->frames.try_emplace(impl_->key(module, address));
  if (inserted) {
    it->second = impl_->lookup_frames(module, address);
    for (size_t i = 0; i < it->second.size(); ++i) {
      finish(it->second[i], module, address);
      it->second[i].inlined = i + 1 < it->second.size();
    }
  }
  return it->second;
}

const std::vector<std::string>& Symbolizer::warnings() const { return impl_->warnings; }

}  // namespace fnprof
