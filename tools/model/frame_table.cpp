// The model's function and location ids; see frame_table.h.
#include "model/frame_table.h"

namespace fnprof {

uint32_t FrameTable::add_function(const Frame& frame) {
  auto [it, inserted] =
      function_ids_.try_emplace({frame.function, frame.file}, static_cast<uint32_t>(functions.size()));
  if (inserted) functions.push_back({frame.function, frame.file, frame.line});
  return it->second;
}

FrameTable::LocationKey FrameTable::location_key(const Frame& frame) {
  if (frame.address) return {frame.module, frame.address, {}};
  return {frame.module, 0, frame.function + '\x1f' + frame.file + '\x1f' + std::to_string(frame.line)};
}

void FrameTable::add_stack(const std::vector<Frame>& frames) {
  for (size_t begin = 0; begin < frames.size();) {
    size_t end = begin + 1;
    while (end < frames.size() && frames[end - 1].inlined) ++end;
    const Frame& outermost = frames[end - 1];
    auto [it, inserted] =
        location_ids_.try_emplace(location_key(outermost), static_cast<uint32_t>(locations.size()));
    if (inserted) {
      Location location{outermost.module, outermost.address, {}};
      for (size_t i = begin; i < end; ++i) location.lines.push_back({add_function(frames[i]), frames[i].line});
      locations.push_back(std::move(location));
    }
    begin = end;
  }
}

uint32_t FrameTable::location_of(const Frame& frame) const {
  return location_ids_.at(location_key(frame));
}

}  // namespace fnprof
