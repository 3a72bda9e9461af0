// pprof's profile format (tools/report/pprof/profile.proto), gzipped, for
// `go tool pprof` and pprof. Every node of every thread's tree becomes one
// sample whose stack is the node's call path (leaf first), with two values:
//
//   calls/count         the calls of the path's last function
//   time/nanoseconds    the path's self time (the default sample type)
//
// so pprof's "flat" is a function's self time (calls) and its "cum" the
// inclusive time (calls made inside it). Samples carry the thread as labels
// (thread, tid, pid) for -tagfocus/-tagshow. Functions and locations are the
// report's frame table (model/frame_table.h), so each function is one pprof
// function wherever it is seen, and each code address one location: a
// profiled function's entry (one line, its declaration line), or an
// allocation stack's call site (a line per function inlined there).
//
// With the allocation tracker's data, four more sample types, named as Go's
// heap profiles name them so that `go tool pprof -sample_index=alloc_space`
// works:
//
//   alloc_objects/count  alloc_space/bytes  inuse_objects/count  inuse_space/bytes
//
// Every sample then has all six values: the call-path samples hold 0 in the
// four allocation values, and one more sample per allocation site (its stack
// from the site's symbolized frames, innermost first) holds its allocations,
// bytes allocated, and live blocks and bytes at the end, with 0 calls and
// time.
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "pprof/profile.pb.h"
#include "report/report.h"

namespace fnprof {
namespace {

class StringTable {
 public:
  explicit StringTable(pprof::Profile& profile) : profile_(profile) { (*this)(""); }

  int64_t operator()(const std::string& s) {
    auto [it, inserted] = ids_.try_emplace(s, static_cast<int64_t>(ids_.size()));
    if (inserted) profile_.add_string_table(s);
    return it->second;
  }

 private:
  pprof::Profile& profile_;
  std::unordered_map<std::string, int64_t> ids_;
};

std::string gzip(const std::string& data) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("pprof: cannot initialize gzip compression");
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("pprof: gzip compression failed");
  return out;
}

// The allocation sites as samples (see the top of the file); the time samples
// already in `out` get their four zero allocation values.
void add_allocation_samples(pprof::Profile& out, StringTable& str, const Report& report) {
  for (const char* type : {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"}) {
    pprof::ValueType* vt = out.add_sample_type();
    vt->set_type(str(type));
    vt->set_unit(str(std::string_view(type).ends_with("objects") ? "count" : "bytes"));
  }
  for (pprof::Sample& s : *out.mutable_sample())
    for (int i = 0; i < 4; ++i) s.add_value(0);

  // A site without a stack gets a location of its own, after the table's.
  uint64_t no_stack = 0;
  for (const HeapSite& site : report.profile.heap.sites) {
    const AllocCounts& c = site.counts;
    if (!c.allocations) continue;
    pprof::Sample* s = out.add_sample();
    for (const Frame& f : site.frames)
      if (!f.inlined) s->add_location_id(report.frames.location_of(f) + 1);
    if (site.frames.empty()) {
      if (!no_stack) {
        no_stack = out.location_size() + 1;
        pprof::Function* function = out.add_function();
        function->set_id(out.function_size());
        function->set_name(str("<no stack>"));
        function->set_system_name(function->name());
        pprof::Location* l = out.add_location();
        l->set_id(no_stack);
        l->add_line()->set_function_id(function->id());
      }
      s->add_location_id(no_stack);
    }
    for (uint64_t v :
         {uint64_t{0}, uint64_t{0}, c.allocations, c.bytes_allocated, c.live_blocks(), c.live_bytes()})
      s->add_value(static_cast<int64_t>(v));
  }
}

}  // namespace

// The uncompressed message; the pprof writer gzips it. Declared in the
// tests that decode it with the same generated classes.
pprof::Profile build_pprof_profile(const Report& report) {
  const Profile& profile = report.profile;
  pprof::Profile out;
  StringTable str(out);

  auto value_type = [&](pprof::ValueType* vt, const char* type, const char* unit) {
    vt->set_type(str(type));
    vt->set_unit(str(unit));
  };
  value_type(out.add_sample_type(), "calls", "count");
  value_type(out.add_sample_type(), "time", "nanoseconds");
  out.set_default_sample_type(str("time"));
  value_type(out.mutable_period_type(), "time", "nanoseconds");
  out.set_period(1);
  out.set_duration_nanos(std::llround(profile.wall_seconds * 1e9));
  const ProcessSummary& first = profile.processes.front();
  out.add_comment(str("fnprof perf-report: " + first.program + ", " + command_line(first.args)));

  // One mapping per module; the frame table's functions and locations.
  std::map<std::string, uint64_t> mapping_of_module;
  for (const FrameTable::Location& l : report.frames.locations) {
    if (l.module.empty()) continue;
    auto [it, inserted] = mapping_of_module.try_emplace(l.module, mapping_of_module.size() + 1);
    if (!inserted) continue;
    pprof::Mapping* m = out.add_mapping();
    m->set_id(it->second);
    m->set_filename(str(l.module));
    m->set_has_functions(true);
    m->set_has_filenames(true);
    m->set_has_line_numbers(true);
  }
  for (const FrameTable::Function& f : report.frames.functions) {
    pprof::Function* fn = out.add_function();
    fn->set_id(out.function_size());
    fn->set_name(str(f.name));
    fn->set_system_name(fn->name());
    fn->set_filename(str(f.file));
    fn->set_start_line(f.line);
  }
  for (const FrameTable::Location& l : report.frames.locations) {
    pprof::Location* loc = out.add_location();
    loc->set_id(out.location_size());
    loc->set_mapping_id(l.module.empty() ? 0 : mapping_of_module.at(l.module));
    loc->set_address(l.address);
    for (const FrameTable::Line& line : l.lines) {
      pprof::Line* pl = loc->add_line();
      pl->set_function_id(line.function + 1);
      pl->set_line(line.line);
    }
  }
  std::vector<uint64_t> location_of_function;
  for (const ProfiledFunction& f : profile.functions)
    location_of_function.push_back(report.frames.location_of(f.symbol) + 1);

  const int64_t thread_key = str("thread"), tid_key = str("tid"), pid_key = str("pid");
  for (const ThreadProfile& t : profile.threads) {
    const int64_t thread_name = str(t.name);
    const CallTree tree = fold_recursion(t.tree);
    walk_paths(tree, [&](uint32_t node_index, const std::vector<uint32_t>& path) {
      const ProfileNode& node = tree.nodes[node_index];
      const int64_t self_ns = std::llround(node.self_seconds * 1e9);
      if (!node.calls && !self_ns) return;
      pprof::Sample* s = out.add_sample();
      const size_t frames = std::min(path.size(), kMaxPathFrames);
      for (auto it = path.rbegin(); it != path.rbegin() + static_cast<ptrdiff_t>(frames); ++it)
        s->add_location_id(location_of_function[tree.nodes[*it].function]);
      s->add_value(static_cast<int64_t>(node.calls));
      s->add_value(self_ns);
      pprof::Label* label;
      if (thread_name) {
        label = s->add_label();
        label->set_key(thread_key);
        label->set_str(thread_name);
      }
      label = s->add_label();
      label->set_key(tid_key);
      label->set_num(static_cast<int64_t>(t.tid));
      label = s->add_label();
      label->set_key(pid_key);
      label->set_num(static_cast<int64_t>(t.pid));
    });
  }
  if (profile.heap.present) add_allocation_samples(out, str, report);
  return out;
}

namespace {

void write(std::ostream& out, const Report& report) {
  std::string bytes;
  if (!build_pprof_profile(report).SerializeToString(&bytes))
    throw std::runtime_error("pprof: cannot serialize the profile");
  out << gzip(bytes);
}

const FormatRegistration kPprof{{"pprof", "gzipped protobuf for go tool pprof", true, write}};

}  // namespace

}  // namespace fnprof
