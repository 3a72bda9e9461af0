// fnprof-run: runs a program under the allocation tracker and says where the
// profile went.
//
//   fnprof-run [--output DIR] [--no-alloc] [--follow-children] [--] PROGRAM ARGS...
//   fnprof-run --self-test
//
// It preloads libfnprof_alloc.so (appended to any LD_PRELOAD), which brings
// libfnprof.so with it, so every program gets an allocation profile and an
// instrumented one its call profile too, in one dump per process. --no-alloc
// preloads nothing (only an instrumented program writes a dump then). The
// dumps go to DIR (FNPROF_OUTPUT; default: the current directory).
//
// Children: by default only this process is profiled: the tracker takes
// itself out of LD_PRELOAD at start-up (FNPROF_FOLLOW_CHILDREN=0), so the
// programs it executes, however started (exec, posix_spawn, system), run
// without it; a fork child that does not exec keeps it and writes its own
// dump. --follow-children keeps the preload in children: each exec'd process
// writes a dump of its own.
//
// The program's exit status is fnprof-run's, and if a signal killed it
// fnprof-run dies by the same signal. Last, one line on stderr names the
// dumps and gives headline figures. --self-test checks fnprof on this
// machine against a built-in program's known truth (fnprof-run/self_test.h).
// A small C++ program rather than a shell
// script: starting a shell costs more than many profiled runs.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dump/dump_reader.h"
#include "fnprof-run/program_facts.h"
#include "dump/superseded.h"
#include "model/display.h"

namespace fs = std::filesystem;

namespace {

constexpr const char* kAllocLibrary = "libfnprof_alloc.so";

constexpr const char* kUsage =
    "usage: fnprof-run [--output DIR] [--no-alloc] [--follow-children] [--] PROGRAM ARGS...\n"
    "       fnprof-run --self-test\n";

// --help: the options explained (its man page is made from this text); a bad
// command line gets the usage line alone.
[[noreturn]] void usage(int code) {
  if (code) {
    std::fputs(kUsage, stderr);
    std::exit(code);
  }
  std::fputs(kUsage, stdout);
  std::fputs("Runs PROGRAM with the allocation tracker preloaded; one dump per process.\n"
             "\n"
             "Options:\n"
             "  -o, --output DIR     write the dumps to DIR (sets FNPROF_OUTPUT; default: the\n"
             "                       current directory)\n"
             "  --no-alloc           preload nothing: only an instrumented program writes a dump\n"
             "  --follow-children    keep the tracker in the programs PROGRAM executes\n"
             "  --self-test          check fnprof on this machine: run a built-in program whose\n"
             "                       times, calls, allocations and waits are known, compare the\n"
             "                       profile with them and print each check and a verdict (exit\n"
             "                       status 0 when all pass, 1 when one fails)\n"
             "  -h, --help           print this help and exit\n",
             stdout);
  std::exit(0);
}

[[noreturn]] void fail(const std::string& message, int code = 2) {
  std::fprintf(stderr, "fnprof-run: %s\n", message.c_str());
  std::exit(code);
}

// Next to this executable, or in an install's library directory beside
// bin/ (FNPROF_BIN_TO_LIB: ../lib), else where the build put it.
std::string find_alloc_library() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    candidates.push_back(self.parent_path() / kAllocLibrary);
    candidates.push_back((self.parent_path() / FNPROF_BIN_TO_LIB / kAllocLibrary).lexically_normal());
  }
#ifdef FNPROF_ALLOC_LIBRARY
  candidates.emplace_back(FNPROF_ALLOC_LIBRARY);
#endif
  for (const fs::path& p : candidates)
    if (fs::exists(p, ec)) return p.string();
  fail(fmt::format("cannot find {} next to {} or in the build tree", kAllocLibrary, self.string()));
}

// --self-test: executes fnprof-self-test (self_test.h), installed in
// libexec/fnprof beside bin/ (FNPROF_BIN_TO_LIBEXEC: ../libexec), else
// where the build put it, with the tracker it is to preload; its exit status
// is fnprof-run's.
[[noreturn]] void self_test() {
  const std::string alloc_library = find_alloc_library();
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec)
    candidates.push_back((self.parent_path() / FNPROF_BIN_TO_LIBEXEC / "fnprof/fnprof-self-test").lexically_normal());
  candidates.emplace_back(FNPROF_SELF_TEST);
  for (const fs::path& p : candidates) {
    if (!fs::exists(p, ec)) continue;
    execl(p.c_str(), p.c_str(), alloc_library.c_str(), static_cast<char*>(nullptr));
    fail(fmt::format("{}: {}", p.string(), std::strerror(errno)), 1);
  }
  fail(fmt::format("cannot find fnprof-self-test in {} or the build tree", candidates.front().parent_path().string()), 1);
}

// The file execvp would run.
std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  for (;;) {
    size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  fail(fmt::format("{}: command not found", name), 127);
}

pid_t g_child = -1;

void forward_signal(int sig) {
  if (g_child > 0) kill(g_child, sig);
}

// The dump files in `dir`, in name order.
std::vector<fs::path> dumps_in(const fs::path& dir) {
  std::vector<fs::path> paths;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("fnprof.", 0) == 0 && entry.path().extension() == ".fnp") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// The dumps in `dir` that `before` does not hold: the runtime never reuses
// a file name, so these are the run's, whatever the clock's resolution.
std::vector<fs::path> new_dumps(const fs::path& dir, const std::vector<fs::path>& before) {
  std::vector<fs::path> paths;
  for (fs::path& p : dumps_in(dir))
    if (!std::binary_search(before.begin(), before.end(), p)) paths.push_back(std::move(p));
  return paths;
}

std::string headline(const std::vector<fs::path>& dumps, double seconds) {
  if (dumps.empty()) return fmt::format("fnprof-run: no dump written ({:.3f} s)", seconds);
  uint64_t calls = 0, peak = 0, leaked = 0, leaked_blocks = 0;
  fnprof::LeakClasses classes;  // summed over the dumps' leak scans
  bool any_alloc = false, all_scanned = true;
  std::vector<std::string> bad;
  std::vector<fnprof::Dump> read;
  for (const fs::path& p : dumps) {
    try {
      read.push_back(fnprof::read_dump(p.string()));
    } catch (const std::exception& e) {
      bad.push_back(e.what());
    }
  }
  // A periodic dump is superseded by its process's later ones: name and add
  // up only the last dump of each process.
  size_t superseded = 0;
  for (const fnprof::SupersededDumps& s : fnprof::drop_superseded(read)) superseded += s.paths.size();
  std::vector<std::string> names;
  for (const fnprof::Dump& d : read) {
    names.push_back(fs::path(d.path).filename().string());
    for (const auto& t : d.threads)
      for (const auto& n : t.nodes) calls += n.calls;
    if (d.alloc.present) {
      any_alloc = true;
      peak = std::max(peak, d.alloc.summary.peak_live_bytes);
      leaked += d.alloc.summary.live_bytes;
      leaked_blocks += d.alloc.summary.live_blocks;
      all_scanned = all_scanned && d.alloc.leak_scan.present;
      for (const fnprof::AllocSite& site : d.alloc.sites) classes.add(site.leak);
    }
  }
  if (names.empty()) names.push_back(dumps.front().filename().string());  // none readable: `bad` says why
  std::string names_text = names.size() <= 3 ? fmt::format("{}", fmt::join(names, ", "))
                                             : fmt::format("{} and {} more", names[0], names.size() - 1);
  if (superseded)
    names_text += fmt::format(" (and {} earlier periodic {}, superseded)", superseded, superseded == 1 ? "dump" : "dumps");
  std::string line = fmt::format("fnprof-run: wrote {} in {}: {:.3f} s, {} calls", names_text,
                                 dumps.front().parent_path().string(), seconds, fnprof::group_digits(calls));
  auto blocks = [](uint64_t bytes, uint64_t count) {
    return fmt::format("{} in {} {}", fnprof::format_bytes(bytes), fnprof::group_digits(count),
                       count == 1 ? "block" : "blocks");
  };
  if (any_alloc && all_scanned)
    // The leak scan's classes: lost (definitely and indirectly) apart from
    // still reachable; perf-report --leaks says where.
    line += fmt::format(", peak heap {}, {} lost and {} still reachable at exit", fnprof::format_bytes(peak),
                        blocks(classes.lost_bytes(), classes.lost_blocks()),
                        blocks(classes.bytes_of(fnprof::LeakClass::Reachable),
                               classes.blocks_of(fnprof::LeakClass::Reachable)));
  else if (any_alloc)
    // Dumps without a scan (written in a signal handler): not told apart.
    line += fmt::format(", peak heap {}, {} not freed at exit", fnprof::format_bytes(peak), blocks(leaked, leaked_blocks));
  for (const std::string& b : bad) line += "; " + b;
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  std::string output;
  bool alloc = true, follow = false;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    } else if (a == "--output" || a == "-o") {
      if (++i == argc) usage(2);
      output = argv[i];
    } else if (a.rfind("--output=", 0) == 0) {
      output = a.substr(9);
    } else if (a == "--no-alloc") {
      alloc = false;
    } else if (a == "--follow-children") {
      follow = true;
    } else if (a == "--help" || a == "-h") {
      usage(0);
    } else if (a == "--self-test") {
      // Alone: it runs its own program, into a directory of its own.
      if (argc != 2) usage(2);
      self_test();
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "fnprof-run: unknown option %s\n", a.c_str());
      usage(2);
    } else {
      break;
    }
  }
  if (i == argc) usage(2);
  std::string program = resolve_program(argv[i]);
  // Where preloading cannot work, say why before the run, so that the
  // closing line's "no dump written" (or a dump without allocations) is
  // explained. A static program has nothing to profile: refused. The others
  // run as they would without fnprof-run.
  const fnprof::run::ProgramFacts facts = fnprof::run::read_program_facts(program);
  if (alloc && facts.is_static)
    fail(fmt::format("{}: statically linked: preloading cannot work, so it cannot be profiled (link it "
                     "dynamically)",
                     program));
  if (facts.runs_privileged)
    std::fprintf(stderr,
                 "fnprof-run: %s: set-user-ID or set-group-ID: the loader ignores LD_PRELOAD for it, and "
                 "fnprof writes no dump of a program running with privileges its user lacks (profile it as "
                 "its owner, or a copy without the bit)\n",
                 program.c_str());
  if (facts.hooks_miss_runtime)
    std::fprintf(stderr,
                 "fnprof-run: %s: compiled with -finstrument-functions but not linked with libfnprof.so, so its "
                 "hooks are glibc's empty ones and it gets no call profile (link it with "
                 "-Wl,--push-state,--no-as-needed -lfnprof -Wl,--pop-state, or build it with fnprof-cc or "
                 "fnprof-c++)\n",
                 program.c_str());
  if (alloc && facts.uses_asan) {
    std::fprintf(stderr,
                 "fnprof-run: %s: built with AddressSanitizer, whose allocator replaces malloc: its "
                 "allocations cannot be tracked, so it runs without the tracker\n",
                 program.c_str());
    alloc = false;
  }

  std::error_code ec;
  fs::path dir = output.empty() ? fs::current_path() : fs::absolute(output);
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec)) fail(fmt::format("{}: not a directory", dir.string()));
  setenv("FNPROF_OUTPUT", dir.c_str(), 1);
  if (alloc) {
    std::string lib = find_alloc_library();
    const char* old = std::getenv("LD_PRELOAD");
    std::string preload = old && *old ? std::string(old) + ":" + lib : lib;
    setenv("LD_PRELOAD", preload.c_str(), 1);
    setenv("FNPROF_FOLLOW_CHILDREN", follow ? "1" : "0", 1);
  }

  const std::vector<fs::path> before = dumps_in(dir);
  auto start = std::chrono::steady_clock::now();
  // Like system(): a terminal's ^C or ^\ goes to the program, which decides;
  // a signal sent to fnprof-run alone is passed on.
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  struct sigaction sa{};
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGTERM, SIGHUP, SIGUSR1, SIGUSR2}) sigaction(sig, &sa, nullptr);

  g_child = fork();
  if (g_child < 0) fail(fmt::format("fork: {}", std::strerror(errno)));
  if (g_child == 0) {
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    execv(program.c_str(), argv + i);
    std::fprintf(stderr, "fnprof-run: %s: %s\n", program.c_str(), std::strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  int status = 0;
  while (waitpid(g_child, &status, 0) < 0 && errno == EINTR) {
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string line = headline(new_dumps(dir, before), seconds);
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    raise(sig);
    return 128 + sig;
  }
  return WEXITSTATUS(status);
}
