#!/bin/sh
# The install tests (tests/install/CMakeLists.txt): fnprof installed into a
# temporary prefix and used from there as a user would, by an out-of-tree
# project (project/) built three ways, each run checked with the installed
# perf-report: the calls of main, sum_of_squares and square, and the
# squares counter.
#
#   install_test.sh install BUILD PREFIX            cmake --install BUILD --prefix PREFIX
#   install_test.sh find_package PREFIX WORK        CMake: find_package(fnprof) + fnprof_instrument()
#   install_test.sh pkg_config PREFIX WORK          the Makefile, fnprof.pc's flags in CFLAGS and LDFLAGS
#   install_test.sh wrappers PREFIX WORK            the Makefile unchanged: make CC=fnprof-cc
#   install_test.sh wrappers_cmake PREFIX WORK      plain_cmake/: cmake -DCMAKE_C_COMPILER=fnprof-cc
#   install_test.sh add_subdirectory SOURCE WORK    CMake: add_subdirectory(fnprof), configured only
#   install_test.sh self_test PREFIX WORK           PREFIX/bin/fnprof-run --self-test passes, running
#                                                   the installed program on the installed runtime
set -eu
way=$1
project=$(cd "$(dirname "$0")/project" && pwd)

fail() {
  echo "install_test: $way: $*" >&2
  exit 1
}

# A fresh copy of the project in WORK/src, built in place (make) or in
# WORK/build (cmake).
fresh_copy() {
  rm -rf "$work"
  mkdir -p "$work/src" "$work/out"
  cp "$project"/* "$work/src/"
}

# Runs WORK/src/app (or $1), then checks its one dump with the installed perf-report.
run_and_check() {
  app=${1:-$work/src/app}
  got=$(FNPROF_OUTPUT=$work/out "$app") || fail "$app failed"
  [ "$got" = 333833500 ] || fail "$app printed '$got'"
  readelf -d "$app" | grep -q 'NEEDED.*\[libfnprof\.so\]' || fail "$app does not need libfnprof.so"
  set -- "$work"/out/fnprof.app.*.fnp
  [ $# -eq 1 ] && [ -f "$1" ] || fail "expected one dump in $work/out, found: $*"
  calls=$("$prefix/bin/perf-report" --format csv "$1" | cut -d, -f1,2 | sed 1d | sort | tr '\n' ' ')
  [ "$calls" = "main,1 square,1000 sum_of_squares,1 " ] || fail "function calls: $calls"
  counter=$("$prefix/bin/perf-report" --format csv --table counters "$1" | sed 1d | cut -d, -f1-4)
  [ "$counter" = "squares,counter,higher,1000" ] || fail "counter: $counter"
}

case $way in
  install)
    build=$2 prefix=$3
    rm -rf "$prefix"
    cmake --install "$build" --prefix "$prefix" >/dev/null
    ;;
  find_package)
    prefix=$2 work=$3
    fresh_copy
    cmake -S "$work/src" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      >"$work/configure.log" || fail "configure failed: see $work/configure.log"
    cmake --build "$work/build" >"$work/build.log" || fail "build failed: see $work/build.log"
    run_and_check "$work/build/app"
    # The project's own export names the runtime as the package does.
    cmake --install "$work/build" --prefix "$work/installed" >/dev/null
    grep -q 'fnprof::runtime' "$work/installed/lib/cmake/app/appTargets.cmake" ||
      fail "the exported static library does not pass on fnprof::runtime"
    ;;
  pkg_config)
    prefix=$2 work=$3
    fresh_copy
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    (cd "$work/src" && make CFLAGS="-g -O2 -finstrument-functions $(pkg-config --cflags fnprof)" \
      LDFLAGS="$(pkg-config --libs fnprof)" >"$work/build.log") || fail "make failed: see $work/build.log"
    run_and_check
    ;;
  wrappers)
    prefix=$2 work=$3
    fresh_copy
    (cd "$work/src" && make CC="$prefix/bin/fnprof-cc" >"$work/build.log") || fail "make failed: see $work/build.log"
    run_and_check
    # fnprof-run, installed, preloads the installed tracker.
    preload=$("$prefix/bin/fnprof-run" --follow-children --output "$work/run" -- /bin/sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)
    [ "$preload" = "$prefix/lib/libfnprof_alloc.so" ] || fail "fnprof-run preloaded '$preload'"
    ;;
  wrappers_cmake)
    prefix=$2 work=$3
    fresh_copy
    cmake -S "$project/../plain_cmake" -B "$work/build" -DCMAKE_C_COMPILER="$prefix/bin/fnprof-cc" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/configure.log" || fail "configure failed: see $work/configure.log"
    cmake --build "$work/build" >"$work/build.log" || fail "build failed: see $work/build.log"
    run_and_check "$work/build/app"
    ;;
  add_subdirectory)
    source=$2 work=$3
    fresh_copy
    cmake -S "$work/src" -B "$work/build" -DFNPROF_SOURCE_DIR="$source" >"$work/configure.log" 2>&1 ||
      fail "configure failed: see $work/configure.log"
    # fnprof's own tests, examples and benchmarks are not part of the build.
    for target in tools_tests fnprof-example hook_pair_bench; do
      ! grep -q "$target" "$work/build/Makefile" "$work/build/fnprof/Makefile" || fail "the build has $target"
    done
    [ ! -e "$work/build/fnprof/tests" ] || fail "fnprof's tests were configured"
    [ ! -e "$work/build/CPackConfig.cmake" ] || fail "fnprof configured the project's CPack"
    ;;
  self_test)
    prefix=$2 work=$3
    rm -rf "$work"
    mkdir -p "$work"
    program=$prefix/libexec/fnprof/fnprof-self-test-program
    runtime=$(ldd "$program" | sed -n 's/.*libfnprof\.so => \(.*\) (0x.*/\1/p')
    [ -n "$runtime" ] && [ "$(readlink -f "$runtime")" = "$(readlink -f "$prefix/lib/libfnprof.so")" ] ||
      fail "$program loads '$runtime', not $prefix/lib/libfnprof.so"
    TMPDIR=$work "$prefix/bin/fnprof-run" --self-test >"$work/out" 2>&1 ||
      fail "exit status $?: $(cat "$work/out")"
    grep -qx "program: $program, run under fnprof (tracker preloaded)" "$work/out" ||
      fail "did not run $program: $(cat "$work/out")"
    [ "$(tail -n 1 "$work/out")" = "verdict: PASS (18 of 18 checks passed)" ] || fail "$(cat "$work/out")"
    [ "$(ls "$work")" = out ] || fail "left in TMPDIR: $(ls "$work")"
    ;;
  *)
    fail "unknown way"
    ;;
esac
