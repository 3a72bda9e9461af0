#include "call_counts.h"

#include <cxxabi.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace fnprof::test {

CallCounts counts_of(const Profile& profile) {
  CallCounts c;
  const CallTree& tree = profile.merged;
  auto name = [&](uint32_t node) -> std::string {
    if (node == 0) return "<root>";
    return profile.functions[tree.nodes[node].function].symbol.function;
  };
  for (uint32_t i = 1; i < tree.nodes.size(); ++i) {
    const ProfileNode& n = tree.nodes[i];
    std::string callee = name(i);
    c.calls[callee] += n.calls;
    c.edges[{name(n.parent), callee}] += n.calls;
    const std::string& module = profile.functions[n.function].module;
    c.modules[callee] = std::filesystem::path(module).filename();
  }
  return c;
}

static std::string demangle(const std::string& symbol) {
  // Only mangled names: __cxa_demangle reads a bare "f" as a type ("float").
  if (!symbol.starts_with("_Z")) return symbol;
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> d(
      abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status), &std::free);
  return status == 0 && d ? std::string(d.get()) : symbol;
}

CallCounts read_reference_counts(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  CallCounts c;
  std::map<std::string, std::string> names;  // address -> name
  std::vector<std::tuple<std::string, std::string, uint64_t>> edges;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string first;
    fields >> first;
    if (first == "edge") {
      std::string caller, callee;
      uint64_t n = 0;
      fields >> caller >> callee >> n;
      edges.emplace_back(caller, callee, n);
    } else {
      uint64_t n = 0;
      std::string module, offset, symbol;
      fields >> n >> module >> offset >> symbol;
      names[first] = symbol == "-" ? first : demangle(symbol);
      c.calls[names[first]] += n;
      c.modules[names[first]] = std::filesystem::path(module).filename();
    }
  }
  for (auto& [caller, callee, n] : edges) {
    std::string from = names.count(caller) ? names[caller] : "<root>";
    c.edges[{from, names.count(callee) ? names[callee] : callee}] += n;
  }
  return c;
}

Expected read_expected(const std::string& path, const std::string& compiler) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  Expected e;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("stdout ")) {
      e.stdout_lines.push_back(line.substr(7));
      continue;
    }
    line = line.substr(0, line.find('#'));
    for (size_t at; (at = line.find("@COMPILER@")) != std::string::npos;) line.replace(at, 10, compiler);
    std::istringstream fields(line);
    std::string kind;
    if (!(fields >> kind)) continue;
    if (kind == "status") {
      std::getline(fields >> std::ws, e.status);
      continue;
    }
    CallCounts* c = &e.main;
    if (kind == "child") continue;  // the reference hooks' view (inherited counts)
    if (kind == "fresh-child") {
      c = &e.child;
      fields >> kind;
    }
    // Function names may hold spaces ("Registrar::~Registrar()" does not, but
    // "operator new(unsigned long)" would): the count is the last field.
    std::vector<std::string> words;
    for (std::string w; fields >> w;) words.push_back(w);
    if (kind == "calls" && words.size() >= 2) {
      c->calls[words[0]] = std::stoull(words[1]);
    } else if (kind == "edge" && words.size() >= 3) {
      c->edges[{words[0], words[1]}] = std::stoull(words[2]);
    } else if (kind == "module" && words.size() >= 2) {
      c->modules[words[0]] = words[1];
    }
  }
  return e;
}

}  // namespace fnprof::test
