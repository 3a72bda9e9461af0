// Aggregation: turns one or more dumps (the processes of a fork tree, or
// repeated runs) into the figures the reports print.
//
// A function is identified by (module path, address - load bias), so the same
// function merges across processes despite ASLR, then symbolized once. Every
// thread's calling-context tree is rebuilt over these function ids, with
// ticks converted to seconds by its dump's ticks_per_second, and all threads
// are merged into one tree by call path:
//
//   thread 1: main -> [ work -> [ leaf ] ]      merged: main -> [ work -> [ leaf ],
//   thread 2: main -> [ work, idle ]                            idle ]
//
// Times are compensated for the probe's own cost unless asked for raw: the
// runtime measured its hook pair (format.h, "Probe cost"), and each node's
// inclusive time loses what its calls' hooks and its descendants' calls'
// hooks added to it (Profile::probe).
//
// Flat per-function figures are folded from a tree. A recursive function's
// inclusive time is counted once: a node adds its inclusive time only when
// the same function is not among its ancestors, otherwise f -> f -> f would
// count the outer call's time three times.
//
// Usage:
//   fnprof::Symbolizer symbolizer;
//   fnprof::Profile profile = fnprof::build_profile({fnprof::read_dump(path)}, symbolizer);
//   for (uint32_t id : fnprof::top_functions(profile.merged.functions, fnprof::SortKey::Self, 10))
//     std::cout << profile.functions[id].symbol.function << '\n';
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/api_profile.h"
#include "model/durations.h"
#include "dump/dump_reader.h"
#include "model/heap_profile.h"
#include "symbolize/symbolizer.h"

namespace fnprof {

// ProfileNode::function of the root, which stands for no function.
inline constexpr uint32_t kNoFunction = UINT32_MAX;

struct ProfiledFunction {
  std::string module;    // path of its module; empty when outside every module
  uint64_t address = 0;  // in the module's file (runtime address - bias), or
                         // the runtime address when outside every module
  Frame symbol;          // name, declaration file:line
  // A libc function the runtime interposes because it blocks (format.h,
  // blocking-functions): its nodes are time spent waiting. 0 otherwise.
  uint64_t wait_kind = 0;  // format::WaitKind
  bool blocking() const { return wait_kind != 0; }
};

// What a blocking function waits for: "join", "lock", "condition", "sleep",
// "poll", "io", "child"; "" for 0. For machines (json, csv).
std::string_view wait_kind_name(uint64_t kind);

// The same for people: "join", "lock", "condition", "sleep", "poll", "I/O",
// "child process"; "" for 0.
std::string_view wait_kind_title(uint64_t kind);

// One function's figures over a whole tree.
struct FunctionStats {
  uint64_t calls = 0;
  double incl_seconds = 0;  // a recursive function counted once
  double self_seconds = 0;
  // Of the raw self time (self_seconds + this), what the probe cost: 0
  // with --raw or without a measured cost.
  double probe_self_seconds = 0;
  Durations durations;  // every call of it, in every context
  // Waiting (blocking functions, above). incl_blocked: the part of
  // incl_seconds spent in blocking calls (a recursive function counted
  // once). self_blocked: the time in the blocking calls the function made
  // itself (its blocking children); a blocking function's is its self time.
  double incl_blocked_seconds = 0;
  double self_blocked_seconds = 0;
  // Self time the function's own code ran: a blocking function's is 0.
  double running_self_seconds = 0;
  double incl_per_call() const { return calls ? incl_seconds / static_cast<double>(calls) : 0; }
};

struct ProfileNode {
  uint32_t function = kNoFunction;  // index in Profile::functions
  uint32_t parent = 0;              // the root is its own parent
  std::vector<uint32_t> children;   // by inclusive time, largest first
  uint64_t calls = 0;
  double incl_seconds = 0;  // the root's is the sum of its children's
  double self_seconds = 0;  // incl_seconds less the children's, never below 0
  double probe_seconds = 0;  // taken out of the raw inclusive time (compensation)
  Durations durations;       // its calls one by one (shifted by their probe cost)
  // As FunctionStats: blocked time within incl_seconds, and in the node's
  // own blocking calls (all of self_seconds for a blocking function's node).
  double incl_blocked_seconds = 0;
  double self_blocked_seconds = 0;
  // Levels of direct recursion folded into this node (fold_recursion,
  // model/recursion.h); 1 in the trees build_profile makes.
  uint32_t recursion_depth = 1;
};

struct CallTree {
  std::vector<ProfileNode> nodes;        // nodes[0] is the root
  std::vector<FunctionStats> functions;  // by function id; all zero when absent
  uint64_t total_calls = 0;
  double total_seconds = 0;       // the root's inclusive time
  double total_self_seconds = 0;  // sum of every function's self time
  double total_blocked_seconds = 0;  // of that, in blocking functions
  double total_running_seconds() const { return total_self_seconds - total_blocked_seconds; }
};

struct ThreadProfile {
  uint64_t pid = 0, tid = 0;
  std::string name;  // may be empty
  double wall_seconds = 0;
  bool running = false;    // still running when the dump was taken
  bool truncated = false;  // the runtime ran out of node or depth capacity
  // Its kernel CPU clock at its end (or the dump); absent in older dumps.
  std::optional<double> cpu_seconds;
  CallTree tree;
  // Its wall time split: waiting in blocking calls, and the rest.
  double blocked_seconds() const { return tree.total_blocked_seconds; }
  double running_seconds() const { return wall_seconds > blocked_seconds() ? wall_seconds - blocked_seconds() : 0; }
};

struct ProcessSummary {
  std::string dump_path;
  uint64_t pid = 0, ppid = 0;
  std::string program, exe;
  std::vector<std::string> args;
  std::string clock;  // "tsc", "monotonic"
  uint64_t ticks_per_second = 0;
  double wall_seconds = 0;  // from runtime start to the dump
  std::string end;          // "exit", "exec", "signal 11"
  size_t threads = 0;
};

// The probe cost taken out of the times (docs/REPORTS.md, "Probe cost").
struct ProbeCompensation {
  bool applied = false;        // false: --raw, or no dump measured it
  double pair_seconds = 0;     // one call's enter and exit hooks (the first dump's)
  double inside_seconds = 0;   // of which in the call's own time
  size_t dumps_without = 0;    // dumps (older runtimes) that carry no cost: raw
  double total_seconds = 0;    // taken out of the threads' time in all
};

enum class Timing { Compensated, Raw };

struct Profile {
  ProbeCompensation probe;
  std::vector<ProcessSummary> processes;  // one per dump, in the order given
  std::vector<ProfiledFunction> functions;
  std::vector<ThreadProfile> threads;  // every thread of every dump, in dump order
  CallTree merged;                     // all threads merged by call path
  double wall_seconds = 0;             // the longest process's wall time
  std::string clock;                   // the dumps' clock, "mixed" if they differ
  ApiProfile api;                      // phases, counters, resources... (fnprof.h)
  HeapProfile heap;                    // the allocation tracker's (fnprof-run)
};

// Calls visit(node, on_path) for every node of `tree` but the root,
// depth-first with explicit steps (recursion can be deeper than the stack),
// where on_path[f] counts the node's ancestors that are calls of function f:
// 0 means the node is the outermost call of its function on its path, which
// is how a recursive function's inclusive time is counted once.
template <class Visit>
void walk_with_ancestors(const CallTree& tree, size_t function_count, Visit&& visit) {
  std::vector<uint32_t> on_path(function_count, 0);
  struct Step {
    uint32_t node;
    bool leave;
  };
  std::vector<Step> steps{{0, false}};
  while (!steps.empty()) {
    Step step = steps.back();
    steps.pop_back();
    const ProfileNode& node = tree.nodes[step.node];
    if (node.function != kNoFunction) {
      if (step.leave) {
        --on_path[node.function];
        continue;
      }
      visit(step.node, static_cast<const std::vector<uint32_t>&>(on_path));
      ++on_path[node.function];
      steps.push_back({step.node, true});
    }
    for (uint32_t c : node.children) steps.push_back({c, false});
  }
}

// Merges `dumps` and symbolizes their functions; the symbolizer collects the
// warnings (missing files, build-id mismatches).
Profile build_profile(const std::vector<Dump>& dumps, Symbolizer& symbolizer, Timing timing = Timing::Compensated);

enum class SortKey { Calls, Self, Incl, Avg };

// "calls", "self", "incl", "avg".
std::string_view sort_key_name(SortKey key);

// Ids of the functions with any calls or time in `stats`, ordered by `key`
// (largest first, ties by self time then name), at most `limit` of them.
std::vector<uint32_t> top_functions(const Profile& profile, const std::vector<FunctionStats>& stats,
                                    SortKey key, size_t limit);

// The function's name, "<root>" for kNoFunction.
const std::string& function_name(const Profile& profile, uint32_t function);

// The dumps the profile came from, "a.fnp, b.fnp", for error messages.
std::string dump_names(const Profile& profile);

}  // namespace fnprof
