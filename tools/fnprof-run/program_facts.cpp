#include "fnprof-run/program_facts.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace fnprof::run {

namespace {

template <class T>
bool read_at(int fd, T* out, uint64_t offset, size_t count = 1) {
  const size_t bytes = sizeof(T) * count;
  return pread(fd, out, bytes, static_cast<off_t>(offset)) == static_cast<ssize_t>(bytes);
}

// Whether the dynamic symbol table names `wanted` (defined or not). Bounded
// by the file: a corrupt table gives false.
bool names_dynamic_symbol(int fd, const Elf64_Ehdr& eh, const char* wanted) {
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shnum > 4096) return false;
  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  if (!read_at(fd, sections.data(), eh.e_shoff, sections.size())) return false;
  const size_t wanted_size = std::strlen(wanted) + 1;
  for (const Elf64_Shdr& sh : sections) {
    if (sh.sh_type != SHT_DYNSYM || sh.sh_link >= sections.size() || sh.sh_entsize != sizeof(Elf64_Sym)) continue;
    const Elf64_Shdr& strtab = sections[sh.sh_link];
    if (sh.sh_size > (64u << 20) || strtab.sh_size > (64u << 20)) return false;
    std::vector<Elf64_Sym> symbols(sh.sh_size / sizeof(Elf64_Sym));
    std::vector<char> names(strtab.sh_size);
    if (!read_at(fd, symbols.data(), sh.sh_offset, symbols.size()) ||
        !read_at(fd, names.data(), strtab.sh_offset, names.size()))
      return false;
    for (const Elf64_Sym& s : symbols)
      if (s.st_name < names.size() && names.size() - s.st_name >= wanted_size &&
          std::memcmp(&names[s.st_name], wanted, wanted_size) == 0)
        return true;
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
    facts.uses_asan = names_dynamic_symbol(fd, eh, "__asan_init");
  }
  close(fd);
  return facts;
}

}  // namespace fnprof::run
