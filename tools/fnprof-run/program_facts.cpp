#include "fnprof-run/program_facts.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <vector>

namespace fnprof::run {

namespace {

template <class T>
bool read_at(int fd, T* out, uint64_t offset, size_t count = 1) {
  const size_t bytes = sizeof(T) * count;
  return pread(fd, out, bytes, static_cast<off_t>(offset)) == static_cast<ssize_t>(bytes);
}

// The section headers, or none when the table is implausible.
std::vector<Elf64_Shdr> read_sections(int fd, const Elf64_Ehdr& eh) {
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shnum > 4096) return {};
  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  if (!read_at(fd, sections.data(), eh.e_shoff, sections.size())) return {};
  return sections;
}

// The string table a section links to, whole. Bounded: a corrupt table gives
// an empty one.
std::vector<char> read_linked_strings(int fd, const std::vector<Elf64_Shdr>& sections, const Elf64_Shdr& sh) {
  if (sh.sh_link >= sections.size() || sections[sh.sh_link].sh_size > (64u << 20)) return {};
  const Elf64_Shdr& strtab = sections[sh.sh_link];
  std::vector<char> names(strtab.sh_size);
  if (!read_at(fd, names.data(), strtab.sh_offset, names.size())) return {};
  return names;
}

bool string_at_is(const std::vector<char>& names, uint64_t offset, const char* wanted) {
  const size_t wanted_size = std::strlen(wanted) + 1;
  return offset < names.size() && names.size() - offset >= wanted_size &&
         std::memcmp(&names[offset], wanted, wanted_size) == 0;
}

// The dynamic symbol named `wanted` (defined or not), if any.
std::optional<Elf64_Sym> find_dynamic_symbol(int fd, const std::vector<Elf64_Shdr>& sections, const char* wanted) {
  for (const Elf64_Shdr& sh : sections) {
    if (sh.sh_type != SHT_DYNSYM || sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_size > (64u << 20)) continue;
    std::vector<Elf64_Sym> symbols(sh.sh_size / sizeof(Elf64_Sym));
    std::vector<char> names = read_linked_strings(fd, sections, sh);
    if (!read_at(fd, symbols.data(), sh.sh_offset, symbols.size())) return std::nullopt;
    for (const Elf64_Sym& s : symbols)
      if (string_at_is(names, s.st_name, wanted)) return s;
  }
  return std::nullopt;
}

// Whether a DT_NEEDED entry names `library`.
bool needs_library(int fd, const std::vector<Elf64_Shdr>& sections, const char* library) {
  for (const Elf64_Shdr& sh : sections) {
    if (sh.sh_type != SHT_DYNAMIC || sh.sh_entsize != sizeof(Elf64_Dyn) || sh.sh_size > (1u << 20)) continue;
    std::vector<Elf64_Dyn> entries(sh.sh_size / sizeof(Elf64_Dyn));
    std::vector<char> names = read_linked_strings(fd, sections, sh);
    if (!read_at(fd, entries.data(), sh.sh_offset, entries.size())) return false;
    for (const Elf64_Dyn& d : entries)
      if (d.d_tag == DT_NEEDED && string_at_is(names, d.d_un.d_val, library)) return true;
  }
  return false;
}

}  // namespace

ProgramFacts read_program_facts(const std::string& path) {
  ProgramFacts facts;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return facts;
  struct stat st;
  if (fstat(fd, &st) == 0)
    facts.runs_privileged = ((st.st_mode & S_ISUID) && st.st_uid != geteuid()) ||
                            ((st.st_mode & S_ISGID) && st.st_gid != getegid());
  Elf64_Ehdr eh;
  if (read_at(fd, &eh, 0) && std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
      eh.e_phentsize == sizeof(Elf64_Phdr)) {
    bool interp = false;
    for (int i = 0; i < eh.e_phnum; ++i) {
      Elf64_Phdr ph;
      if (!read_at(fd, &ph, eh.e_phoff + i * sizeof ph)) break;
      interp |= ph.p_type == PT_INTERP;
    }
    facts.is_static = !interp;
    const std::vector<Elf64_Shdr> sections = read_sections(fd, eh);
    facts.uses_asan = find_dynamic_symbol(fd, sections, "__asan_init").has_value();
    const std::optional<Elf64_Sym> enter = find_dynamic_symbol(fd, sections, "__cyg_profile_func_enter");
    facts.hooks_miss_runtime = enter && enter->st_shndx == SHN_UNDEF && !needs_library(fd, sections, "libfnprof.so");
  }
  close(fd);
  return facts;
}

}  // namespace fnprof::run
