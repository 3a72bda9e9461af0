# Run by `cmake --install` (cmake/install.cmake sets the fnprof_* variables):
# writes fnprof.pc for the prefix being installed to, and installs it.
#
# Libs keep libfnprof.so under --as-needed (Debian's default) wherever a
# build puts them on the command line: a program that only uses the API, or
# whose objects come after LDFLAGS, would otherwise lose it. A prefix outside
# the loader's default directories gets a RUNPATH too.
set(prefix "${CMAKE_INSTALL_PREFIX}")
set(libdir "${prefix}/${fnprof_libdir}")
set(includedir "${prefix}/${fnprof_includedir}")
set(rpath "")
if(NOT libdir MATCHES "^/usr/(local/)?lib(/[^/]+-linux-gnu)?$")
  set(rpath " -Wl,-rpath,\${libdir}")
endif()
configure_file("${fnprof_pc_in}" "${fnprof_pc_out}" @ONLY)
file(INSTALL "${fnprof_pc_out}" DESTINATION "${libdir}/pkgconfig")
