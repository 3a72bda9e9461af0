#!/bin/sh
# The compiler wrappers of the build tree (tools/wrappers/fnprof-cc.in):
#
#   wrappers_test.sh flags TOOLS_DIR LIBDIR INCLUDEDIR
#     the exact arguments each wrapper passes to the compiler behind it (a
#     fake one, fake_compiler.sh, posing as GCC 12, Clang 14 or Clang 15):
#     instrumentation per compiler and language, link only when linking,
#     the environment's options, and the errors
#   wrappers_test.sh cxx_runs TOOLS_DIR PERF_REPORT WORK COMPILER
#     a C++ program with std::string built by fnprof-c++ over a real
#     compiler (g++ or clang++: Clang 14 needs -finstrument-functions-after-inlining
#     to link it), run, its calls read by perf-report
set -eu
test=$1
tools=$2
here=$(cd "$(dirname "$0")" && pwd)
failures=0

fail() {
  echo "wrappers_test: $*" >&2
  failures=$((failures + 1))
}

gcc12='#define __GNUC__ 12'
clang14='#define __GNUC__ 4\n#define __clang__ 1\n#define __clang_major__ 14'
clang15='#define __GNUC__ 4\n#define __clang__ 1\n#define __clang_major__ 15'

# expect NAME WRAPPER MACROS "EXPECTED ARGS" ARGS...: the fake compiler's
# output, one line per argument, joined by spaces.
expect() {
  name=$1 wrapper=$2 macros=$3 expected=$4
  shift 4
  got=$(FAKE_MACROS=$macros FNPROF_CC="${compiler:-$here/fake_compiler.sh}" \
    FNPROF_CXX="${compiler:-$here/fake_compiler.sh}" "$tools/$wrapper" "$@" 2>&1 | tr '\n' ' ')
  [ "$got" = "$expected " ] || fail "$name: expected '$expected', got '${got% }'"
}

case $test in
  flags)
    lib=$3 inc=$4
    link="-Wl,--push-state,--no-as-needed $lib/libfnprof.so -Wl,--pop-state -Wl,-rpath,$lib"
    gnu="-finstrument-functions -finstrument-functions-exclude-file-list=/usr/include"
    expect "gcc compile" fnprof-cc "$gcc12" "-c a.c -o a.o $gnu -I$inc" -c a.c -o a.o
    expect "gcc link, LDFLAGS first" fnprof-cc "$gcc12" "-Wl,-O1 -o app a.o libz.a $gnu -I$inc $link" \
      -Wl,-O1 -o app a.o libz.a
    expect "gcc preprocess" fnprof-cc "$gcc12" "-E a.c $gnu -I$inc" -E a.c
    expect "gcc dependencies" fnprof-cc "$gcc12" "-MM a.c $gnu -I$inc" -MM a.c
    expect "gcc no input" fnprof-cc "$gcc12" "-v $gnu -I$inc" -v
    expect "gcc -o value is not an input" fnprof-cc "$gcc12" "-dumpversion -o x $gnu -I$inc" -dumpversion -o x
    expect "g++ compile" fnprof-c++ "$gcc12" "-c a.cpp $gnu -I$inc" -c a.cpp
    expect "clang 14 C compile" fnprof-cc "$clang14" "-c a.c -finstrument-functions -I$inc" -c a.c
    expect "clang 14 C++ compile" fnprof-c++ "$clang14" "-c a.cpp -finstrument-functions-after-inlining -I$inc" -c a.cpp
    expect "clang 14 C++ file through fnprof-cc" fnprof-cc "$clang14" \
      "-c a.cc -finstrument-functions-after-inlining -I$inc" -c a.cc
    expect "clang 14 -x c++" fnprof-cc "$clang14" "-x c++ -c a.in -finstrument-functions-after-inlining -I$inc" \
      -x c++ -c a.in
    expect "clang 15 C++ link" fnprof-c++ "$clang15" "a.cpp -finstrument-functions -I$inc $link" a.cpp
    FNPROF_ALL_FUNCTIONS=1 expect "gcc all functions" fnprof-cc "$gcc12" "-c a.c -finstrument-functions -I$inc" -c a.c
    FNPROF_EXCLUDE_FILES=vendor/,third_party/ FNPROF_EXCLUDE_FUNCTIONS=hash,crc32 expect "gcc exclusions" \
      fnprof-cc "$gcc12" "-c a.c -finstrument-functions \
-finstrument-functions-exclude-file-list=/usr/include,vendor/,third_party/ \
-finstrument-functions-exclude-function-list=hash,crc32 -I$inc" -c a.c
    FNPROF_EXCLUDE_FILES=vendor/ expect "clang exclusions" fnprof-cc "$clang14" \
      "fnprof-cc: FNPROF_EXCLUDE_FILES and FNPROF_EXCLUDE_FUNCTIONS need GCC: $here/fake_compiler.sh has no such options" -c a.c
    compiler=/nonexistent/cc expect "no compiler" fnprof-cc "$gcc12" \
      "fnprof-cc: cannot run the compiler '/nonexistent/cc' (set FNPROF_CC)" -c a.c
    compiler=$tools/fnprof-cc expect "a wrapper behind itself" fnprof-cc "$gcc12" \
      "fnprof-cc: cannot run the compiler '$tools/fnprof-cc' (set FNPROF_CC)" -c a.c
    FNPROF_WRAPPER_ACTIVE=1 expect "a wrapper run by itself" fnprof-cc "$gcc12" \
      "fnprof-cc: FNPROF_CC names a fnprof wrapper: set it to the real compiler" -c a.c
    "$tools/fnprof-c++" --help | grep -q '^Usage: fnprof-c++ ' || fail "fnprof-c++ --help"
    ;;
  cxx_runs)
    perf_report=$3 work=$4 compiler=$5
    rm -rf "$work"
    mkdir -p "$work"
    FNPROF_CXX=$compiler "$tools/fnprof-c++" -std=c++20 -g -O2 -o "$work/names" "$here/names.cpp" || exit 1
    [ "$(FNPROF_OUTPUT=$work "$work/names")" = "ada grace" ] || fail "names printed something else"
    calls=$("$perf_report" --format csv "$work"/fnprof.names.*.fnp | cut -d, -f1,2 | grep -E '^(main|greeting)' | sort |
      tr '\n' ' ')
    [ "$calls" = "greeting[abi:cxx11](char const*),2 main,1 " ] || fail "calls: $calls"
    ;;
esac
[ $failures -eq 0 ]
