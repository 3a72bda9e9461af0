#!/bin/sh
# The Debian package (cmake/install.cmake's CPack settings), built from the
# build directory with cpack -G DEB into WORK and read with dpkg-deb: its
# control fields, its dependencies (dpkg-shlibdeps: the libraries the
# binaries link), its files, and fnprof.pc written for /usr.
#
#   package_test.sh BUILD WORK VERSION INCLUDE_DIR
set -eu
build=$1 work=$2 version=$3 include=$4
failures=0
fail() {
  echo "package_test: $*" >&2
  failures=$((failures + 1))
}

rm -rf "$work"
mkdir -p "$work"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work" >"$work/cpack.log" || {
  echo "package_test: cpack failed: see $work/cpack.log" >&2
  exit 1
}
deb=$work/fnprof_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || { echo "package_test: no $deb" >&2; exit 1; }

[ "$(dpkg-deb -f "$deb" Package)" = fnprof ] || fail "Package: $(dpkg-deb -f "$deb" Package)"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version: $(dpkg-deb -f "$deb" Version)"
description=$(dpkg-deb -f "$deb" Description)
[ "$(echo "$description" | sed -n 1p)" = "function and allocation profiler for C and C++ programs" ] &&
  [ "$(echo "$description" | sed -n 2p)" = " Programs built with -finstrument-functions (fnprof-cc, fnprof-c++, or" ] &&
  [ "$(echo "$description" | wc -l)" -eq 6 ] || fail "Description: $description"
[ "$(dpkg-deb -f "$deb" Section)" = devel ] || fail "Section: $(dpkg-deb -f "$deb" Section)"
# What perf-report, fnprof-run and the libraries link, each by its package.
depends=$(dpkg-deb -f "$deb" Depends)
for package in libc6 libllvm14 libunwind8 zlib1g libprotobuf32 libfmt9 libstdc++6 libgcc-s1; do
  case ", $depends," in
    *", $package "* | *", $package,"*) ;;
    *) fail "Depends lacks $package: $depends" ;;
  esac
done
[ "$(dpkg-deb -f "$deb" Recommends)" = "gcc | clang, g++ | clang" ] || fail "Recommends: $(dpkg-deb -f "$deb" Recommends)"

# Every file but the documents and headers, exactly (the export file's name
# carries the build type); the headers are those of include/fnprof.
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort >"$work/files"
grep -v -e '^\./usr/share/doc/' -e '^\./usr/include/' "$work/files" |
  sed 's/fnprofTargets-[a-z]*\.cmake/fnprofTargets-BUILD_TYPE.cmake/' >"$work/installed"
cat >"$work/expected" <<'LIST'
./usr/bin/fnprof-c++
./usr/bin/fnprof-cc
./usr/bin/fnprof-run
./usr/bin/perf-report
./usr/lib/cmake/fnprof/FnprofInstrument.cmake
./usr/lib/cmake/fnprof/fnprofConfig.cmake
./usr/lib/cmake/fnprof/fnprofConfigVersion.cmake
./usr/lib/cmake/fnprof/fnprofTargets-BUILD_TYPE.cmake
./usr/lib/cmake/fnprof/fnprofTargets.cmake
./usr/lib/libfnprof.so
./usr/lib/libfnprof_alloc.so
./usr/lib/pkgconfig/fnprof.pc
./usr/libexec/fnprof/fnprof-self-test
./usr/libexec/fnprof/fnprof-self-test-program
./usr/share/bash-completion/completions/perf-report
./usr/share/man/man1/fnprof-c++.1.gz
./usr/share/man/man1/fnprof-cc.1.gz
./usr/share/man/man1/fnprof-run.1.gz
./usr/share/man/man1/perf-report-diff.1fnprof.gz
./usr/share/man/man1/perf-report-history.1fnprof.gz
./usr/share/man/man1/perf-report.1fnprof.gz
./usr/share/man/man3/fnprof.3.gz
./usr/share/man/man5/fnprof-format.5.gz
LIST
diff "$work/expected" "$work/installed" >"$work/diff" || fail "files (expected < > in the package): $(cat "$work/diff")"
for header in "$include"/fnprof/*; do
  grep -qx "./usr/include/fnprof/${header##*/}" "$work/files" || fail "no header ${header##*/}"
done
for doc in README.md FORMAT.md API.md REPORTS.md; do
  grep -qx "./usr/share/doc/fnprof/$doc" "$work/files" || fail "no document $doc"
done

dpkg-deb -x "$deb" "$work/root"
pc=$work/root/usr/lib/pkgconfig/fnprof.pc
grep -qx 'prefix=/usr' "$pc" || fail "fnprof.pc: $(grep prefix= "$pc")"
grep -qx 'Libs: -Wl,--push-state,--no-as-needed -L${libdir} -lfnprof -Wl,--pop-state' "$pc" ||
  fail "fnprof.pc: $(grep Libs: "$pc")"
readelf -d "$work/root/usr/lib/libfnprof_alloc.so" | grep -q 'RUNPATH.*\[\$ORIGIN\]' ||
  fail "libfnprof_alloc.so does not find libfnprof.so beside itself"
[ $failures -eq 0 ]
