// Drops the periodic dumps a later dump of the same process supersedes; see
// superseded.h.
#include "dump/superseded.h"

#include <map>
#include <tuple>
#include <utility>

namespace fnprof {

std::vector<SupersededDumps> drop_superseded(std::vector<Dump>& dumps) {
  // pid, start time; a merged dump (a sum of runs, not a process's dump) is
  // its own, by its place in the list.
  using Process = std::tuple<size_t, uint64_t, uint64_t>;
  std::vector<Process> process_of;
  for (size_t i = 0; i < dumps.size(); ++i)
    process_of.emplace_back(dumps[i].is_merged() ? i + 1 : 0, dumps[i].process.pid, dumps[i].process.start_unix_ns);
  std::map<Process, size_t> last;  // the index of the process's last dump
  std::vector<Process> order;      // processes as first seen
  for (size_t i = 0; i < dumps.size(); ++i) {
    auto [it, first] = last.try_emplace(process_of[i], i);
    if (first) order.push_back(it->first);
    else if (dumps[i].process.end_ticks > dumps[it->second].process.end_ticks) it->second = i;
  }
  std::map<Process, std::vector<std::string>> dropped;
  for (size_t i = 0; i < dumps.size(); ++i)
    if (i != last.at(process_of[i])) dropped[process_of[i]].push_back(dumps[i].path);

  // Each process's last dump stands where its first one did.
  std::vector<SupersededDumps> out;
  std::vector<Dump> kept;
  for (const Process& p : order) {
    Dump& d = dumps[last.at(p)];
    if (auto it = dropped.find(p); it != dropped.end()) out.push_back({d.path, std::move(it->second)});
    kept.push_back(std::move(d));
  }
  dumps = std::move(kept);
  return out;
}

}  // namespace fnprof
