// One id per function and one per code location across the whole model, so
// that a function reads the same wherever it is seen: as a node of the time
// tree (its entry address) or as a frame of an allocation stack (a call site,
// with the frames inlined there).
//
//   location: (module, address in the module's file) -> lines, innermost first
//   function: (demangled name, file)                  -> name, file, first line
//
// A time-tree function and a shadow-stack frame of the same function share
// one location (both are its entry address); an unwound frame is the call
// site's location, whose lines name the functions inlined there, each with
// the same function id as everywhere else.
//
//   const FrameTable& t = profile.frames;
//   uint32_t loc = t.location_of(site.frames[0]);
//   for (const FrameTable::Line& l : t.locations[loc].lines) t.functions[l.function].name;
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "symbolize/symbolizer.h"

namespace fnprof {

class FrameTable {
 public:
  struct Function {
    std::string name, file;
    uint32_t line = 0;  // where first seen: a profiled function's declaration line
  };
  struct Line {
    uint32_t function = 0;  // index in functions
    uint32_t line = 0;
  };
  struct Location {
    std::string module;  // empty outside every module
    uint64_t address = 0;
    std::vector<Line> lines;  // innermost (inlined) first
  };

  std::vector<Function> functions;
  std::vector<Location> locations;

  // Adds the frames of a stack (innermost first, inlined frames included):
  // each run of frames that share an address becomes one location.
  void add_stack(const std::vector<Frame>& frames);

  // The location of a frame added before.
  uint32_t location_of(const Frame& frame) const;

 private:
  uint32_t add_function(const Frame& frame);

  // A frame with no address (none was known) is keyed by what it names.
  using LocationKey = std::tuple<std::string, uint64_t, std::string>;
  static LocationKey location_key(const Frame& frame);

  std::map<std::pair<std::string, std::string>, uint32_t> function_ids_;
  std::map<LocationKey, uint32_t> location_ids_;
};

}  // namespace fnprof
