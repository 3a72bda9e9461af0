// Drops the periodic dumps a later dump of the same process supersedes; see
// superseded.h.
#include "dump/superseded.h"

#include <map>
#include <utility>

namespace fnprof {

std::vector<SupersededDumps> drop_superseded(std::vector<Dump>& dumps) {
  using Process = std::pair<uint64_t, uint64_t>;  // pid, start time
  auto process_of = [](const Dump& d) { return Process{d.process.pid, d.process.start_unix_ns}; };
  std::map<Process, size_t> last;  // the index of the process's last dump
  std::vector<Process> order;      // processes as first seen
  for (size_t i = 0; i < dumps.size(); ++i) {
    auto [it, first] = last.try_emplace(process_of(dumps[i]), i);
    if (first) order.push_back(it->first);
    else if (dumps[i].process.end_ticks > dumps[it->second].process.end_ticks) it->second = i;
  }
  std::map<Process, std::vector<std::string>> dropped;
  for (size_t i = 0; i < dumps.size(); ++i)
    if (i != last.at(process_of(dumps[i]))) dropped[process_of(dumps[i])].push_back(dumps[i].path);

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
