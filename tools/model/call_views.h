// Callers and callees of one function (--callers FUNC, --callees FUNC),
// folded from the calling-context tree.
//
// For `f`, every tree node of f contributes:
//   callers: an edge from its parent's function, with the node's calls and,
//            when f is not already on the path above (the outermost call of a
//            recursion), its inclusive time;
//   callees: an edge to each child's function, with the child's calls and,
//            for the outermost f when the child's function is not already on
//            the path, its inclusive time.
// So the callers' times add up to f's inclusive time, and unless f is
// recursive the callees' times plus f's self time add up to it too.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/profile.h"

namespace fnprof {

struct CallEdge {
  uint32_t function = kNoFunction;  // kNoFunction: the root (f was a thread's first call)
  uint64_t calls = 0;
  double seconds = 0;
};

struct CallView {
  uint32_t function = kNoFunction;
  FunctionStats stats;
  std::vector<CallEdge> callers;  // by time, largest first
  std::vector<CallEdge> callees;  // by time, largest first
};

// The functions `pattern` names: those whose demangled name equals it, or
// when none does, those containing it. Sorted by inclusive time.
std::vector<uint32_t> match_functions(const Profile& profile, std::string_view pattern);

// match_functions for an option's value, at most kMaxViewMatches of them;
// throws std::runtime_error "--callers 'frob': no function matches" when none.
inline constexpr size_t kMaxViewMatches = 10;
std::vector<uint32_t> functions_for_view(const Profile& profile, std::string_view pattern,
                                         std::string_view option);

CallView call_view(const Profile& profile, const CallTree& tree, uint32_t function);

}  // namespace fnprof
