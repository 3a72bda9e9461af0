#include "call_counts.h"

#include <cstdio>
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

SymbolNames::Module& SymbolNames::load(const std::string& module) {
  auto [it, added] = modules_.try_emplace(module);
  if (!added) return it->second;
  std::istringstream nm(run_command("nm --defined-only " + module + " 2>/dev/null"));
  for (std::string line; std::getline(nm, line);) {
    std::istringstream fields(line);
    std::string address, type, name;
    if (!(fields >> address >> type >> name) || (type != "T" && type != "t" && type != "W" && type != "w"))
      continue;
    auto [slot, fresh] = it->second.by_address.try_emplace(std::stoull(address, nullptr, 16), name);
    if (!fresh && name < slot->second) slot->second = name;
  }
  // Every alias maps to the name its address got.
  std::istringstream again(run_command("nm --defined-only " + module + " 2>/dev/null"));
  for (std::string line; std::getline(again, line);) {
    std::istringstream fields(line);
    std::string address, type, name;
    if (!(fields >> address >> type >> name)) continue;
    auto at = it->second.by_address.find(std::stoull(address, nullptr, 16));
    if (at != it->second.by_address.end()) canonical_[name] = at->second;
  }
  return it->second;
}

std::string SymbolNames::at(const std::string& module, uint64_t address) {
  const Module& m = load(module);
  auto it = m.by_address.find(address);
  if (it != m.by_address.end()) return it->second;
  std::ostringstream unknown;
  unknown << "?" << module << "+0x" << std::hex << address;
  return unknown.str();
}

std::string SymbolNames::canonical(const std::string& name) const {
  auto it = canonical_.find(name);
  return it == canonical_.end() ? name : it->second;
}

CallCounts counts_by_symbol(const Profile& profile, SymbolNames& names) {
  CallCounts c;
  const CallTree& tree = profile.merged;
  std::vector<std::string> name_of(profile.functions.size());
  for (size_t i = 0; i < name_of.size(); ++i)
    name_of[i] = names.at(profile.functions[i].module, profile.functions[i].address);
  for (uint32_t i = 1; i < tree.nodes.size(); ++i) {
    const ProfileNode& n = tree.nodes[i];
    // A blocking libc call is fnprof's own node (runtime/blocking_calls.cpp):
    // the counting hooks and uftrace see only instrumented functions.
    if (profile.functions[n.function].blocking()) continue;
    std::string caller = n.parent == 0 ? "<root>" : name_of[tree.nodes[n.parent].function];
    c.calls[name_of[n.function]] += n.calls;
    c.edges[{caller, name_of[n.function]}] += n.calls;
  }
  return c;
}

CallCounts read_reference_counts(const std::string& path, SymbolNames& names) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  CallCounts c;
  std::map<std::string, std::string> name_of;  // runtime address -> name
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
      std::string module, offset;
      fields >> n >> module >> offset;
      name_of[first] = names.at(module, std::stoull(offset, nullptr, 16));
      c.calls[name_of[first]] += n;
    }
  }
  for (auto& [caller, callee, n] : edges) {
    std::string from = name_of.count(caller) ? name_of[caller] : "<root>";
    c.edges[{from, name_of.count(callee) ? name_of[callee] : callee}] += n;
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

std::string run_command(const std::string& command) {
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), &pclose);
  std::string out;
  char buf[4096];
  while (pipe && fgets(buf, sizeof buf, pipe.get())) out += buf;
  return out;
}

std::map<std::string, uint64_t> uftrace_calls(const std::string& binary, std::string* failure) {
  char dir_template[] = "/tmp/fnprof-uftrace-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  // Run inside the directory: libfnprof.so is loaded there too (uftrace's
  // hooks take precedence) and leaves its empty dump in the working directory.
  std::string warnings =
      run_command("cd " + dir + " && uftrace record --no-libcall -d data " + binary + " 2>&1 >/dev/null");
  if (size_t at = warnings.find("child terminated by signal"); failure && at != std::string::npos)
    *failure = "uftrace: " + warnings.substr(at, warnings.find('\n', at) - at);
  std::istringstream report(
      run_command("uftrace report -d " + dir + "/data -f call --no-pager --demangle=no 2>/dev/null"));
  std::filesystem::remove_all(dir);
  std::map<std::string, uint64_t> calls;
  for (std::string line; std::getline(report, line);) {
    std::istringstream fields(line);
    uint64_t n;
    std::string name;
    // Kernel events (linux:schedule) are not calls.
    if (fields >> n >> name && !name.starts_with("linux:")) calls[name] += n;
  }
  return calls;
}

}  // namespace fnprof::test
