// Callgrind's profile format, for KCachegrind/QCachegrind and
// callgrind_annotate. The merged tree is folded into functions and call edges
// (callgrind has no calling contexts):
//
//   fl=(1) /src/app.cpp          the function's file (compressed names:
//   fn=(2) work(int)              "(id) name" once, then "(id)")
//   20 300000000 1               self cost at the function's line: Time, Calls
//   cfl=(1)
//   cfn=(3) leaf(int)
//   calls=1000 31                calls of the edge, the callee's line
//   20 600000000 1000            inclusive cost of those calls
//
// Events: Time in nanoseconds; Calls, the function's own call count, so its
// inclusive value on an edge is every call made inside those calls, them
// included. Costs are rounded to whole nanoseconds per function and per edge;
// the summary is the sum of the self costs as written, which is what
// callgrind_annotate checks. Recursive edges (f -> f) are written like
// callgrind writes them, with inclusive costs that contain each other, and the
// tools show them as cycles.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cmath>
#include <map>

#include "report/report.h"

namespace fnprof {
namespace {

struct Edge {
  uint64_t calls = 0;
  double seconds = 0;
  uint64_t inclusive_calls = 0;
};

// Name compression: "(id) name" the first time a name is written, "(id)" after.
class NameTable {
 public:
  std::string operator()(const std::string& name) {
    auto [it, inserted] = ids_.try_emplace(name, ids_.size() + 1);
    return inserted ? fmt::format("({}) {}", it->second, name) : fmt::format("({})", it->second);
  }

 private:
  std::map<std::string, size_t> ids_;
};

std::string file_of(const ProfiledFunction& f) { return f.symbol.file.empty() ? "???" : f.symbol.file; }

// Callgrind names are one line each.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

void write(std::ostream& out, const Report& report) {
  const Profile& profile = report.profile;
  const CallTree& tree = profile.merged;
  // Calls made in each node's subtree, the node's own included. Nodes are
  // created after their parent, so children have larger indices.
  std::vector<uint64_t> subtree_calls(tree.nodes.size(), 0);
  for (size_t i = tree.nodes.size(); i-- > 1;) {
    subtree_calls[i] += tree.nodes[i].calls;
    subtree_calls[tree.nodes[i].parent] += subtree_calls[i];
  }
  std::map<std::pair<uint32_t, uint32_t>, Edge> edges;  // (caller, callee)
  for (size_t i = 1; i < tree.nodes.size(); ++i) {
    const ProfileNode& node = tree.nodes[i];
    uint32_t caller = tree.nodes[node.parent].function;
    if (caller == kNoFunction) continue;
    Edge& e = edges[{caller, node.function}];
    e.calls += node.calls;
    e.seconds += node.incl_seconds;
    e.inclusive_calls += subtree_calls[i];
  }

  const ProcessSummary& first = profile.processes.front();
  std::string pids;
  for (const ProcessSummary& p : profile.processes) pids += (pids.empty() ? "" : " ") + std::to_string(p.pid);
  std::vector<uint64_t> self_ns(tree.functions.size());
  uint64_t total_ns = 0, total_calls = 0;
  for (size_t id = 0; id < tree.functions.size(); ++id) {
    self_ns[id] = static_cast<uint64_t>(std::llround(tree.functions[id].self_seconds * 1e9));
    total_ns += self_ns[id];
    total_calls += tree.functions[id].calls;
  }

  out << "# callgrind format\n";
  out << "version: 1\n";
  out << "creator: fnprof perf-report\n";
  fmt::print(out, "pid: {}\n", pids);
  fmt::print(out, "cmd: {}\n", one_line(command_line(first.args)));
  out << "positions: line\n";
  out << "event: Time : Time (ns)\n";
  out << "event: Calls : Calls\n";
  out << "events: Time Calls\n";
  fmt::print(out, "summary: {} {}\n", total_ns, total_calls);

  NameTable files, names;
  auto edge = edges.begin();
  for (uint32_t id = 0; id < tree.functions.size(); ++id) {
    const FunctionStats& s = tree.functions[id];
    while (edge != edges.end() && edge->first.first < id) ++edge;
    if (!s.calls && s.incl_seconds <= 0) continue;
    const ProfiledFunction& f = profile.functions[id];
    fmt::print(out, "\nfl={}\nfn={}\n", files(one_line(file_of(f))), names(one_line(f.symbol.function)));
    fmt::print(out, "{} {} {}\n", f.symbol.line, self_ns[id], s.calls);
    for (; edge != edges.end() && edge->first.first == id; ++edge) {
      const ProfiledFunction& callee = profile.functions[edge->first.second];
      const Edge& e = edge->second;
      fmt::print(out, "cfl={}\ncfn={}\n", files(one_line(file_of(callee))),
                 names(one_line(callee.symbol.function)));
      fmt::print(out, "calls={} {}\n", e.calls, callee.symbol.line);
      fmt::print(out, "{} {} {}\n", f.symbol.line, std::llround(e.seconds * 1e9), e.inclusive_calls);
    }
  }
  fmt::print(out, "\ntotals: {} {}\n", total_ns, total_calls);
}

const FormatRegistration kCallgrind{{"callgrind", "KCachegrind, callgrind_annotate", false, write}};

}  // namespace

}  // namespace fnprof
