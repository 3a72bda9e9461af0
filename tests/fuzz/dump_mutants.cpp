// The second harness: reads deterministic mutants of real dumps (bit flips,
// truncations, inserted bytes, huge sizes, swapped, doubled and dropped
// sections) and checks that each one has one of two outcomes:
//
//   rejected   read_dump() throws the DumpError, one line starting with the
//              file's name (most name a section or header and its offset;
//              "file-level" ones are about the file as a whole: bad magic, a
//              missing required section)
//   identical  it reads, and its json report (--threads --tree, nothing cut)
//              is byte for byte the original's (same file name)
//
// Anything else is a defect and makes the exit status 1: a mutant that reads
// but changes the report (bytes no checksum covers), a report that fails on
// what the reader accepted, an error that does not name the file. The
// counts per mutation and outcome go to stdout, the first defects to stderr.
//
//   dump_mutants [--random N] [--show N] tests/fuzz/corpus/*.fnp
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "dump/dump_reader.h"
#include "fnprof/format.h"
#include "model/profile.h"
#include "report/report.h"
#include "symbolize/symbolizer.h"

namespace {

using Bytes = std::vector<uint8_t>;

enum Outcome { kRejected, kRejectedFileLevel, kIdentical, kChanged, kReportFailed, kBadError, kOutcomes };
constexpr const char* kOutcomeNames[kOutcomes] = {"rejected", "rejected (file-level)", "identical",
                                                  "DEFECT: report changed", "DEFECT: report failed",
                                                  "DEFECT: error not naming the file"};
bool is_defect(Outcome o) { return o >= kChanged; }

struct Section {
  size_t offset, length;  // header included
};

// The seed's sections as the writer laid them out, end section included.
std::vector<Section> sections_of(const Bytes& bytes) {
  fnprof::format::FileHeader file;
  std::memcpy(&file, bytes.data(), sizeof file);
  std::vector<Section> sections;
  for (size_t pos = file.header_size; pos < bytes.size();) {
    fnprof::format::SectionHeader header;
    std::memcpy(&header, bytes.data() + pos, sizeof header);
    sections.push_back({pos, sizeof header + header.size});
    pos += sizeof header + header.size;
  }
  return sections;
}

// Calls try_one(kind, description, mutant) for every mutant of `seed`:
// exhaustively where the dump's structure is (headers, section boundaries,
// section order), `random` times each where it is payload.
void mutate(const Bytes& seed, size_t random, uint64_t seed_number,
            const std::function<void(const char*, const std::string&, const Bytes&)>& try_one) {
  std::mt19937_64 rng(0x6675'7a7a ^ seed_number);
  auto position = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::vector<Section> sections = sections_of(seed);
  std::vector<size_t> header_bytes;  // offsets of the file's and every section's header bytes
  for (size_t i = 0; i < sizeof(fnprof::format::FileHeader); ++i) header_bytes.push_back(i);
  for (const Section& s : sections)
    for (size_t i = 0; i < sizeof(fnprof::format::SectionHeader); ++i) header_bytes.push_back(s.offset + i);

  // Where a byte is, for the defects' lines: "section 3 'thread' header
  // byte 2" or "section 3 'thread' payload".
  auto where = [&](size_t at) {
    if (at < sizeof(fnprof::format::FileHeader)) return std::string("file header");
    for (size_t i = 0; i < sections.size(); ++i) {
      const Section& s = sections[i];
      if (at < s.offset || at >= s.offset + s.length) continue;
      uint32_t type;
      std::memcpy(&type, seed.data() + s.offset, sizeof type);
      std::string section = fmt::format("section {} '{}'", i, fnprof::format::section_name(type));
      size_t in = at - s.offset;
      return in < sizeof(fnprof::format::SectionHeader) ? fmt::format("{} header byte {}", section, in)
                                                        : section + " payload";
    }
    return std::string("past the end section");
  };
  auto flip = [&](size_t at, int bit) {
    Bytes m = seed;
    m[at] ^= static_cast<uint8_t>(1u << bit);
    try_one("bit flip", fmt::format("bit {} of byte {} ({})", bit, at, where(at)), m);
  };
  for (size_t at : header_bytes)
    for (int bit = 0; bit < 8; ++bit) flip(at, bit);
  for (size_t i = 0; i < random; ++i) {
    size_t at = position(seed.size());  // drawn in this order whatever the compiler
    flip(at, static_cast<int>(rng() % 8));
  }

  auto truncate = [&](size_t length) {
    try_one("truncation", fmt::format("first {} bytes", length), Bytes(seed.begin(), seed.begin() + length));
  };
  for (const Section& s : sections)
    for (size_t length : {s.offset, s.offset + 1, s.offset + 15, s.offset + 16, s.offset + s.length - 1})
      if (length < seed.size()) truncate(length);
  for (size_t i = 0; i < random; ++i) truncate(position(seed.size()));

  auto insert = [&](size_t at, uint8_t byte) {
    Bytes m = seed;
    m.insert(m.begin() + at, byte);
    try_one("byte insertion", fmt::format("0x{:02x} before byte {}", byte, at), m);
  };
  for (const Section& s : sections) insert(s.offset, 0);
  for (size_t i = 0; i < random; ++i) {
    size_t at = position(seed.size() + 1);
    insert(at, static_cast<uint8_t>(rng()));
  }

  for (size_t i = 0; i < sections.size(); ++i) {
    const Section& s = sections[i];
    for (uint64_t size : {uint64_t{0}, uint64_t{1} << 32, uint64_t{1} << 63, ~uint64_t{0}}) {
      Bytes m = seed;
      std::memcpy(m.data() + s.offset + 8, &size, sizeof size);
      try_one("huge size", fmt::format("section {} size {}", i, size), m);
    }
    auto part = [&](const Section& p) { return Bytes(seed.begin() + p.offset, seed.begin() + p.offset + p.length); };
    Bytes head(seed.begin(), seed.begin() + s.offset), tail(seed.begin() + s.offset + s.length, seed.end());
    Bytes dropped = head;
    dropped.insert(dropped.end(), tail.begin(), tail.end());
    try_one("section dropped", fmt::format("section {}", i), dropped);
    Bytes doubled = head;
    for (int twice = 0; twice < 2; ++twice) {
      Bytes p = part(s);
      doubled.insert(doubled.end(), p.begin(), p.end());
    }
    doubled.insert(doubled.end(), tail.begin(), tail.end());
    try_one("section doubled", fmt::format("section {}", i), doubled);
    if (i + 1 < sections.size()) {
      Bytes swapped = head, a = part(s), b = part(sections[i + 1]);
      swapped.insert(swapped.end(), b.begin(), b.end());
      swapped.insert(swapped.end(), a.begin(), a.end());
      swapped.insert(swapped.end(), seed.begin() + sections[i + 1].offset + sections[i + 1].length, seed.end());
      try_one("sections swapped", fmt::format("sections {} and {}", i, i + 1), swapped);
    }
  }
}

Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

class ReportOf {
 public:
  std::string operator()(const fnprof::Dump& dump) {
    fnprof::Profile profile = fnprof::build_profile({dump}, symbolizer_);
    fnprof::ReportOptions options;
    options.threads = options.tree = true;
    options.min_percent = 0;
    std::ostringstream out;
    fnprof::write_report(out, "json", profile, options);
    return out.str();
  }

 private:
  fnprof::Symbolizer symbolizer_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Checks that every mutant of the dumps is rejected or reads into the original report."};
  size_t random = 200, max_shown = 20;
  std::vector<std::string> seeds;
  app.add_option("--random", random, "Mutants per seed and kind at random payload positions (default 200)");
  app.add_option("--show", max_shown, "Defects listed on stderr (default 20)");
  app.add_option("seeds", seeds, "Valid dumps to mutate")->required()->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);

  ReportOf report_of;
  std::map<std::string, std::array<uint64_t, kOutcomes>> counts;  // by mutation kind
  uint64_t defects = 0;
  for (size_t n = 0; n < seeds.size(); ++n) {
    Bytes seed = read_bytes(seeds[n]);
    // Every mutant is read under the seed's own name, so that the report's
    // file names agree and any difference is the mutation's.
    const std::string& path = seeds[n];
    std::string original;
    try {
      original = report_of(fnprof::read_dump(path, seed));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "dump_mutants: seed %s: %s\n", path.c_str(), e.what());
      return 2;
    }
    if (report_of(fnprof::read_dump(path, seed)) != original) {
      std::fprintf(stderr, "dump_mutants: seed %s: two reports of it differ\n", path.c_str());
      return 2;
    }
    // The outcome of one mutant, and the error that rejected it or broke
    // its report.
    auto outcome_of = [&](const Bytes& mutant) -> std::pair<Outcome, std::string> {
      std::optional<fnprof::Dump> dump;
      try {
        dump = fnprof::read_dump(path, mutant);
      } catch (const fnprof::DumpError& e) {
        std::string error = e.what();
        if (error.rfind(path + ": ", 0) != 0 || error.find('\n') != std::string::npos) return {kBadError, error};
        return {e.part() == fnprof::DumpError::Part::File ? kRejectedFileLevel : kRejected, error};
      }
      try {
        return {report_of(*dump) == original ? kIdentical : kChanged, ""};
      } catch (const std::exception& e) {
        return {kReportFailed, e.what()};
      }
    };
    mutate(seed, random, n, [&](const char* kind, const std::string& what, const Bytes& mutant) {
      auto [outcome, detail] = outcome_of(mutant);
      ++counts[kind][outcome];
      if (is_defect(outcome) && ++defects <= max_shown)
        std::fprintf(stderr, "%s: %s (%s): %s%s%s\n", path.c_str(), kOutcomeNames[outcome], kind, what.c_str(),
                     detail.empty() ? "" : ": ", detail.c_str());
    });
  }

  std::array<uint64_t, kOutcomes> total{};
  std::printf("%-18s", "mutation");
  for (const char* name : kOutcomeNames) std::printf(" | %s", name);
  std::printf("\n");
  for (const auto& [kind, row] : counts) {
    std::printf("%-18s", kind.c_str());
    for (int o = 0; o < kOutcomes; ++o) {
      std::printf(" | %llu", static_cast<unsigned long long>(row[o]));
      total[o] += row[o];
    }
    std::printf("\n");
  }
  uint64_t all = 0;
  for (uint64_t c : total) all += c;
  std::printf("%-18s", "total");
  for (uint64_t c : total) std::printf(" | %llu", static_cast<unsigned long long>(c));
  std::printf("\n%llu mutants of %zu dumps, %llu defects\n", static_cast<unsigned long long>(all), seeds.size(),
              static_cast<unsigned long long>(defects));
  return defects ? 1 : 0;
}
