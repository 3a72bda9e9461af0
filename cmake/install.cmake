# What `cmake --install build --prefix P` puts where (GNUInstallDirs), and the
# Debian package made of the same (cpack -G DEB, from the build directory).
# The commands and libraries are installed by their own CMakeLists.txt; here:
# the headers, the CMake package, fnprof.pc, the documents and CPack.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/fnprof DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# find_package(fnprof): fnprof::runtime, fnprof::alloc and fnprof_instrument(),
# laid out like fmt's and GTest's packages (lib/cmake/<name>/).
set(fnprof_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/fnprof)
install(EXPORT fnprofTargets NAMESPACE fnprof:: DESTINATION ${fnprof_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/fnprofConfig.cmake.in
  ${PROJECT_BINARY_DIR}/fnprofConfig.cmake INSTALL_DESTINATION ${fnprof_cmake_dir})
# 0.x: a minor version may change the dump format and the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/fnprofConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/fnprofConfig.cmake ${PROJECT_BINARY_DIR}/fnprofConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/FnprofInstrument.cmake DESTINATION ${fnprof_cmake_dir})

# fnprof.pc names absolute directories, and the prefix is only known when
# installing (cmake --install --prefix, cpack): written then.
install(CODE "
  set(fnprof_pc_in \"${PROJECT_SOURCE_DIR}/cmake/fnprof.pc.in\")
  set(fnprof_pc_out \"${PROJECT_BINARY_DIR}/pkgconfig/fnprof.pc\")
  set(fnprof_libdir \"${CMAKE_INSTALL_LIBDIR}\")
  set(fnprof_includedir \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(PROJECT_VERSION \"${PROJECT_VERSION}\")")
install(SCRIPT ${PROJECT_SOURCE_DIR}/cmake/install_pkgconfig.cmake)

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
  FILES_MATCHING PATTERN "*.md" PATTERN "*.json" PATTERN "man" EXCLUDE)

# The Debian package, for fnprof's own build only: under add_subdirectory
# CPack is the including project's.
if(NOT fnprof_top_level)
  return()
endif()
# The Debian package: fnprof_<version>_<arch>.deb, everything under /usr, the
# libraries' dependencies from dpkg-shlibdeps. A compiler is only needed to
# instrument (fnprof-run profiles allocations of any program): recommended.
set(CPACK_PACKAGE_NAME fnprof)
set(CPACK_PACKAGE_CONTACT "fnprof developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "function and allocation profiler for C and C++ programs")
# The long description (CPack puts the summary above it).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Programs built with -finstrument-functions (fnprof-cc, fnprof-c++, or
fnprof_instrument() in CMake) and linked with libfnprof.so write a
calling-context tree per thread; fnprof-run tracks the allocations of any
dynamically linked program. perf-report reads the dumps and writes text,
JSON, HTML, pprof, callgrind, folded and Chrome trace reports.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gcc | clang, g++ | clang")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "cmake, pkg-config, golang-go")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
