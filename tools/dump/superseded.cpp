// Drops the periodic dumps a later dump of the same process supersedes; see
// superseded.h.
#include "dump/superseded.h"

#include <map>
#include <utility>

namespace fnprof {

std::vector<SupersededDumps> drop_superseded(std::vector<Dump>& dumps) {
  // Process -> index in `dumps` of its last dump so far, and the paths of
  // the ones it supersedes.
  std::map<std::pair<uint64_t, uint64_t>, std::pair<size_t, std::vector<std::string>>> last;
  std::vector<bool> keep(dumps.size(), true);
  for (size_t i = 0; i < dumps.size(); ++i) {
    const ProcessInfo& p = dumps[i].process;
    auto [it, first] = last.try_emplace({p.pid, p.start_unix_ns}, i, std::vector<std::string>{});
    if (first) continue;
    size_t& kept = it->second.first;
    const bool later = p.end_ticks > dumps[kept].process.end_ticks;
    const size_t dropped = later ? kept : i;
    it->second.second.push_back(dumps[dropped].path);
    keep[dropped] = false;
    // The kept dump takes the place of the first one, so the dumps stay in
    // the order they were given.
    if (later) std::swap(dumps[kept], dumps[i]), keep[kept] = true, keep[i] = false;
  }
  std::vector<SupersededDumps> out;
  for (auto& [process, entry] : last)
    if (!entry.second.empty()) out.push_back({dumps[entry.first].path, std::move(entry.second)});
  std::vector<Dump> kept;
  for (size_t i = 0; i < dumps.size(); ++i)
    if (keep[i]) kept.push_back(std::move(dumps[i]));
  dumps = std::move(kept);
  return out;
}

}  // namespace fnprof
