// Symbolizer against real binaries: this test program itself (addresses of
// its own functions less its load bias), the symbolize_target program with
// and without DWARF, and modules whose file is missing or was rebuilt.
#include "symbolize/symbolizer.h"

#include <elf.h>
#include <link.h>

#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_paths.h"

namespace fnprof_symbolizer_test {

// Lines are taken with __LINE__ so editing this file cannot break the test.
constexpr uint32_t kKnownFunctionLine = __LINE__ + 1;
__attribute__((noinline)) int known_function(int x) {
  asm volatile("");  // keeps the function distinct and out of its callers
  return x + 1;
}

__attribute__((noinline)) uintptr_t return_address() {
  return reinterpret_cast<uintptr_t>(__builtin_return_address(0));
}

constexpr uint32_t kInlinedCallLine = __LINE__ + 1;
__attribute__((always_inline)) inline uintptr_t inlined_helper() { return return_address(); }

volatile uintptr_t sink;  // stored after the call, so it cannot become a tail call
__attribute__((noinline)) uintptr_t outer_function() {
  uintptr_t address = inlined_helper();
  sink = address;
  return address;
}
constexpr uint32_t kOuterCallLine = __LINE__ - 4;

}  // namespace fnprof_symbolizer_test

namespace fnprof {
namespace {

using testing::line_of;
using testing::nm_address;

// This executable as the runtime would record it: bias, extent and build-id
// from dl_iterate_phdr (the main program comes first).
Module self_module() {
  Module m;
  char path[PATH_MAX];
  EXPECT_NE(realpath("/proc/self/exe", path), nullptr);
  m.path = path;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        Module& m = *static_cast<Module*>(data);
        m.bias = info->dlpi_addr;
        m.lo = UINT64_MAX;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          uint64_t start = info->dlpi_addr + ph.p_vaddr;
          if (ph.p_type == PT_LOAD) {
            m.lo = std::min<uint64_t>(m.lo, start);
            m.hi = std::max<uint64_t>(m.hi, start + ph.p_memsz);
          } else if (ph.p_type == PT_NOTE) {
            for (uint64_t at = start; at + sizeof(ElfW(Nhdr)) <= start + ph.p_memsz;) {
              auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
              auto* name = reinterpret_cast<const char*>(note + 1);
              auto* desc = name + ((note->n_namesz + 3) & ~3u);
              if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::string(name) == "GNU")
                m.build_id.assign(desc, note->n_descsz);
              at = reinterpret_cast<uint64_t>(desc) + ((note->n_descsz + 3) & ~3u);
            }
          }
        }
        return 1;
      },
      &m);
  return m;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(Symbolizer, NamesFileAndDeclarationLineOfAFunctionInThisBinary) {
  Module self = self_module();
  Symbolizer symbolizer;
  auto address = reinterpret_cast<uint64_t>(&fnprof_symbolizer_test::known_function);
  const Frame& f = symbolizer.function_at(&self, address);
  EXPECT_TRUE(f.resolved);
  EXPECT_EQ(f.function, "fnprof_symbolizer_test::known_function(int)");
  EXPECT_TRUE(ends_with(f.file, "tests/tools/symbolize/symbolizer_test.cpp")) << f.file;
  EXPECT_EQ(f.line, fnprof_symbolizer_test::kKnownFunctionLine);
  // Found in the cache the second time: the very same object.
  EXPECT_EQ(&symbolizer.function_at(&self, address), &f);
  EXPECT_TRUE(symbolizer.warnings().empty()) << symbolizer.warnings().front();
}

TEST(Symbolizer, InlinedFramesInnermostFirst) {
  Module self = self_module();
  Symbolizer symbolizer;
  // Inside the call instruction, which belongs to the inlined helper.
  uint64_t address = fnprof_symbolizer_test::outer_function() - 1;
  const std::vector<Frame>& frames = symbolizer.frames_at(&self, address);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].function, "fnprof_symbolizer_test::inlined_helper()");
  EXPECT_EQ(frames[0].line, fnprof_symbolizer_test::kInlinedCallLine);
  EXPECT_TRUE(ends_with(frames[0].file, "symbolizer_test.cpp")) << frames[0].file;
  EXPECT_EQ(frames[1].function, "fnprof_symbolizer_test::outer_function()");
  EXPECT_EQ(frames[1].line, fnprof_symbolizer_test::kOuterCallLine);
  EXPECT_TRUE(frames[1].resolved);
}

TEST(Symbolizer, HelperBinaryWithDebugInfo) {
  uint64_t leaf = nm_address(SYMBOLIZE_TARGET, "_ZN6target4leafEi");
  ASSERT_NE(leaf, 0u) << "nm found no target::leaf in " SYMBOLIZE_TARGET;
  // Any bias works: the symbolizer sees address - bias.
  Module m{SYMBOLIZE_TARGET, "", 0x5555'0000'0000, 0x5555'0000'0000, 0x5555'1000'0000};
  Symbolizer symbolizer;
  const Frame& f = symbolizer.function_at(&m, m.bias + leaf);
  EXPECT_TRUE(f.resolved);
  EXPECT_EQ(f.function, "target::leaf(int)");
  EXPECT_EQ(f.file, SYMBOLIZE_TARGET_SOURCE);
  EXPECT_EQ(f.line, line_of(SYMBOLIZE_TARGET_SOURCE, "int leaf(int x)"));
}

// Names come out valid UTF-8 whatever the binary holds (pprof and JSON need
// it): an invalid byte becomes U+FFFD.
TEST(Symbolizer, NamesThatAreNotUtf8GetAReplacementCharacter) {
  uint64_t address = nm_address(SYMBOLIZE_TARGET, "not\xffutf8");
  ASSERT_NE(address, 0u);
  Module m{SYMBOLIZE_TARGET, "", 0x5555'0000'0000, 0x5555'0000'0000, 0x5555'1000'0000};
  Symbolizer symbolizer;
  EXPECT_EQ(symbolizer.function_at(&m, m.bias + address).function, "not\uFFFDutf8");
  EXPECT_EQ(symbolizer.frames_at(&m, m.bias + address).back().function, "not\uFFFDutf8");
}

// Identical-code folding leaves one body under two names; DWARF says whose
// body it is (flush's, at flush's line), and the other name is said too.
void expect_folded_names(const std::string& binary) {
  SCOPED_TRACE(binary);
  const uint64_t flush = nm_address(binary, "_ZN5store12_GLOBAL__N_15flushEPKii");
  ASSERT_NE(flush, 0u);
  ASSERT_EQ(nm_address(binary, "_ZN5store12_GLOBAL__N_14syncEPKii"), flush) << "the two were not folded";
  Module m{binary, "", 0x1000'0000, 0x1000'0000, 0x2000'0000};
  Symbolizer symbolizer;
  const std::string name =
      "store::(anonymous namespace)::flush(int const*, int) (same code as store::(anonymous "
      "namespace)::sync(int const*, int))";
  const Frame& f = symbolizer.function_at(&m, m.bias + flush);
  EXPECT_EQ(f.function, name);
  EXPECT_EQ(f.same_code_as, std::vector<std::string>{"store::(anonymous namespace)::sync(int const*, int)"});
  EXPECT_EQ(f.file, ICF_TARGET_SOURCE);
  EXPECT_EQ(f.line, line_of(ICF_TARGET_SOURCE, "int flush("));
  // An address inside the body names the same function.
  EXPECT_EQ(symbolizer.frames_at(&m, m.bias + flush + 1).back().function, name);
}

TEST(Symbolizer, FoldedFunctionsByGccIcfAreNamedAsDwarfSaysAndTogether) {
  expect_folded_names(ICF_TARGET_GCC);
}

TEST(Symbolizer, FoldedFunctionsByLldIcfAreNamedAsDwarfSaysAndTogether) {
  if (std::string(ICF_TARGET_CLANG).empty()) GTEST_SKIP() << "no clang++ and ld.lld to fold with";
  expect_folded_names(ICF_TARGET_CLANG);
}

TEST(Symbolizer, GccManglingLlvmRejectsIsDemangled) {
  const char* mangled =
      "_ZN7testing15AssertionResultC1IbEERKT_PNSt9enable_ifIXntsrSt14is_convertibleIS2_S0_E5valueEvE4typeE";
  const uint64_t address = nm_address(GCC_MANGLING_TARGET, mangled);
  ASSERT_NE(address, 0u);
  Module m{GCC_MANGLING_TARGET, "", 0x1000'0000, 0x1000'0000, 0x2000'0000};
  Symbolizer symbolizer;
  const std::string name =
      "testing::AssertionResult::AssertionResult<bool>(bool const&, std::enable_if<!std::is_convertible<bool, "
      "testing::AssertionResult>::value, void>::type*)";
  EXPECT_EQ(symbolizer.function_at(&m, m.bias + address).function, name);
  EXPECT_EQ(symbolizer.frames_at(&m, m.bias + address).back().function, name);
}

TEST(Symbolizer, StrippedBinaryFallsBackToElfSymbols) {
  uint64_t work = nm_address(SYMBOLIZE_TARGET_STRIPPED, "_ZN6target4workEi");
  ASSERT_NE(work, 0u);
  Module m{SYMBOLIZE_TARGET_STRIPPED, "", 0x1000'0000, 0x1000'0000, 0x2000'0000};
  Symbolizer symbolizer;
  const Frame& f = symbolizer.function_at(&m, m.bias + work);
  EXPECT_TRUE(f.resolved);
  EXPECT_EQ(f.function, "target::work(int)");
  EXPECT_EQ(f.file, "");
  EXPECT_EQ(f.line, 0u);
  EXPECT_TRUE(symbolizer.warnings().empty());
}

TEST(Symbolizer, MissingFileGivesModulePlusOffsetAndOneWarning) {
  Module m{"/nonexistent/dir/libgone.so", "", 0x7f00'0000'0000, 0x7f00'0000'0000, 0x7f00'0010'0000};
  Symbolizer symbolizer;
  const Frame& a = symbolizer.function_at(&m, 0x7f00'0000'1234);
  EXPECT_EQ(a.function, "libgone.so+0x1234");
  EXPECT_FALSE(a.resolved);
  EXPECT_EQ(a.file, "");
  const std::vector<Frame>& frames = symbolizer.frames_at(&m, 0x7f00'0000'2000);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "libgone.so+0x2000");
  ASSERT_EQ(symbolizer.warnings().size(), 1u);
  EXPECT_EQ(symbolizer.warnings()[0],
            "/nonexistent/dir/libgone.so: cannot open: No such file or directory; its functions are shown as "
            "libgone.so+0x<offset>");
}

TEST(Symbolizer, AddressOutsideEveryModule) {
  Symbolizer symbolizer;
  const Frame& f = symbolizer.function_at(nullptr, 0xdeadbeef);
  EXPECT_EQ(f.function, "0xdeadbeef");
  EXPECT_FALSE(f.resolved);
  symbolizer.function_at(nullptr, 0xfeed);
  EXPECT_EQ(symbolizer.warnings().size(), 1u);
}

TEST(Symbolizer, WarnsOnceWhenTheBuildIdDiffers) {
  Module self = self_module();
  if (self.build_id.empty()) GTEST_SKIP() << "this test binary has no build-id note";
  Symbolizer matching;
  matching.function_at(&self, reinterpret_cast<uint64_t>(&fnprof_symbolizer_test::known_function));
  EXPECT_TRUE(matching.warnings().empty());

  self.build_id = "\x12\x34";
  Symbolizer mismatched;
  const Frame& f =
      mismatched.function_at(&self, reinterpret_cast<uint64_t>(&fnprof_symbolizer_test::known_function));
  EXPECT_TRUE(f.resolved);  // still symbolized, but with a warning
  mismatched.function_at(&self, reinterpret_cast<uint64_t>(&fnprof_symbolizer_test::outer_function));
  ASSERT_EQ(mismatched.warnings().size(), 1u);
  EXPECT_NE(mismatched.warnings()[0].find("build-id"), std::string::npos) << mismatched.warnings()[0];
  EXPECT_NE(mismatched.warnings()[0].find("(1234)"), std::string::npos) << mismatched.warnings()[0];
}

}  // namespace
}  // namespace fnprof
