#!/usr/bin/env bash
# The sanitizer builds CI runs (docs/RELIABILITY.md), both with Clang:
#
#   ${BUILD_DIR:-build}-asan  ASan + UBSan: perf-report's libraries and their
#                             tests (ctest label "tools"). Only the tools: the
#                             runtime is not ASan's to watch (libfnprof_alloc.so
#                             replaces malloc, which ASan must own, and an
#                             instrumented libfnprof.so would need the ASan
#                             runtime in every test program).
#   ${BUILD_DIR:-build}-tsan  TSan: libfnprof.so and the Clang test programs
#                             (FNPROF_TEST_PROGRAM_FLAGS), and the runtime
#                             tests that run programs with several threads.
#                             The GCC programs are built but not run: they
#                             would bring GCC's libtsan next to Clang's.
#                             Nothing runs under libfnprof_alloc.so here
#                             either: it and TSan both interpose malloc.
#
#   scripts/sanitize.sh [asan|tsan]...     (default both)
set -euo pipefail
cd "$(dirname "$0")/.."
base=${BUILD_DIR:-build}
supp=$PWD/tests/sanitize

# configure DIR FLAGS [CMAKE ARGS...]
configure() {
  local dir=$1 flags=$2
  shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    CC=clang CXX=clang++ cmake -G Ninja -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
      -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" "$@" >/dev/null
  fi
}

asan() {
  local dir=$base-asan
  configure "$dir" "-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  cmake --build "$dir" --target tools_tests self_test_tests dump_mutants
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$dir" -L tools -j2 --output-on-failure --no-tests=error
}

# The runtime tests whose programs run several threads (or the sampler and
# flush threads next to the program's), Clang builds only, run by the test
# binary itself (gtest filter). Left out: main_pthread_exit, which does not end
# under TSan, and the sampler's CPU-percent test, which TSan slows past its
# thresholds.
tsan_tests='*CallCountsTest.*/threads_clang:*CallCountsTest.*/thread_churn_clang'
tsan_tests+=':*CallCountsTest.*/running_thread_clang:*Api.Counters*/1:*Api.Phases*/1'
tsan_tests+=':*Api.SamplerOff*/1:*Api.PeriodicFlush*/1:*Api.FlushWrites*/1'
tsan_tests+=':*Lifecycle.ThreadNamesAreKept/1:*Lifecycle.RunningThreadIsWrittenAtExit/1'

tsan() {
  local dir=$base-tsan
  configure "$dir" "-fsanitize=thread -fno-omit-frame-pointer" -DFNPROF_TEST_PROGRAM_FLAGS=-fsanitize=thread
  cmake --build "$dir" --target runtime_tests
  TSAN_OPTIONS="halt_on_error=1 suppressions=$supp/tsan.supp" \
    "$dir/tests/runtime/runtime_tests" --gtest_filter="$tsan_tests"
}

stages=("$@")
((${#stages[@]})) || stages=(asan tsan)
for stage in "${stages[@]}"; do
  case $stage in
    asan | tsan) "$stage" ;;
    *) echo "usage: scripts/sanitize.sh [asan|tsan]..." >&2; exit 2 ;;
  esac
done
