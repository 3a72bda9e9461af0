#!/usr/bin/env bash
# Opt-in, not part of test.sh: builds the Debian package (cpack -G DEB),
# installs it system-wide with apt, uses it as a user would (the
# out-of-tree project of tests/install built by `make CC=fnprof-cc` and by
# find_package, run, read by perf-report; fnprof-run; man; pkg-config), then
# purges it and checks that nothing is left. Needs root (or sudo) and
# refuses to touch an fnprof package installed before.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

if dpkg-query -W -f='${Status}' fnprof 2>/dev/null | grep -q "install ok installed"; then
  echo "install_deb: a package fnprof is installed already: remove it first" >&2
  exit 2
fi
bash scripts/setup.sh >/dev/null
rm -rf "$build/package"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$build/package" >/dev/null
deb=$(ls "$PWD/$build"/package/fnprof_*.deb)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { echo "install_deb: $*"; }
step "apt install $deb"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$deb" >"$work/apt.log"
removed=no
remove() {
  [ $removed = yes ] && return
  removed=yes
  step "apt purge fnprof"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq fnprof >>"$work/apt.log"
}
trap 'remove; rm -rf "$work"' EXIT

check_profile() {  # DIR: its one dump has the project's calls
  calls=$(perf-report --format csv "$1"/fnprof.app.*.fnp | cut -d, -f1,2 | sed 1d | sort | tr '\n' ' ')
  [ "$calls" = "main,1 square,1000 sum_of_squares,1 " ] || { echo "install_deb: calls: $calls" >&2; exit 1; }
}

step "make CC=fnprof-cc (installed in $(command -v fnprof-cc))"
mkdir -p "$work/make/out"
cp tests/install/project/* "$work/make/"
make -s -C "$work/make" CC=fnprof-cc >/dev/null
[ "$(FNPROF_OUTPUT=$work/make/out "$work/make/app")" = 333833500 ]
check_profile "$work/make/out"

step "find_package(fnprof) from /usr"
cmake -S tests/install/project -B "$work/cmake" >/dev/null
cmake --build "$work/cmake" >/dev/null
mkdir -p "$work/cmake/out"
FNPROF_OUTPUT=$work/cmake/out "$work/cmake/app" >/dev/null
check_profile "$work/cmake/out"

step "fnprof-run, man, pkg-config"
fnprof-run --output "$work/run" "$work/make/app" 2>"$work/run.log" >/dev/null
grep -q '^fnprof-run: wrote fnprof\.app\..*, 1,002 calls, peak heap' "$work/run.log" || { cat "$work/run.log" >&2; exit 1; }
[ "$(man -w 1fnprof perf-report)" = /usr/share/man/man1/perf-report.1fnprof.gz ]
[ "$(man -w fnprof-cc)" = /usr/share/man/man1/fnprof-cc.1.gz ]
[ "$(pkg-config --libs fnprof | sed 's/ *$//')" = "-Wl,--push-state,--no-as-needed -lfnprof -Wl,--pop-state" ]

remove
for f in /usr/bin/perf-report /usr/bin/fnprof-run /usr/bin/fnprof-cc /usr/lib/libfnprof.so /usr/lib/cmake/fnprof \
  /usr/share/man/man1/perf-report.1fnprof.gz; do
  [ ! -e "$f" ] || { echo "install_deb: $f is left after the removal" >&2; exit 1; }
done
! dpkg-query -W fnprof >/dev/null 2>&1 || { echo "install_deb: dpkg still knows fnprof" >&2; exit 1; }
step "installed, used and removed: ok"
