// The sections of waiting versus running (format.h): the blocking functions
// the runtime interposed, and each thread's on-CPU time, given to the thread
// section it names.
#include <fmt/format.h>

#include "dump/section_reader.h"

namespace fnprof {

void read_blocking_functions(SectionReader& in, Dump& dump) {
  for (uint64_t i = in.count<format::BlockingFunctionRecord>(); i > 0; --i) {
    auto r = in.record<format::BlockingFunctionRecord>();
    if (r.kind < static_cast<uint64_t>(format::WaitKind::Join) ||
        r.kind > static_cast<uint64_t>(format::WaitKind::Child))
      in.fail(fmt::format("unknown wait kind {}", r.kind));
    dump.blocking_functions.push_back(BlockingFunction{r.address, r.kind, std::string(r.name)});
  }
}

void read_thread_cpu(SectionReader& in, Dump& dump) {
  for (uint64_t i = in.count<format::ThreadCpuRecord>(); i > 0; --i) {
    auto r = in.record<format::ThreadCpuRecord>();
    for (Thread& t : dump.threads)
      if (t.tid == r.tid && t.start_ticks == r.start_ticks) t.cpu_ns = r.cpu_ns;
  }
}

}  // namespace fnprof
