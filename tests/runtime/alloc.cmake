# Allocation tracker tests: include(alloc.cmake) from tests/runtime/CMakeLists.txt.
#
# The programs of tests/programs/alloc are built into
# ${CMAKE_BINARY_DIR}/tests/programs/alloc, plain (no instrumentation: the
# tracker unwinds), plus `patterns_instrumented` (-finstrument-functions,
# linked to libfnprof.so: the shadow-stack mode) and `patterns_static`
# (static: fnprof-run must refuse it), `patterns_hooks_only` below. -fno-optimize-sibling-calls keeps
# every site function on the stack.
set(alloc_src ${PROJECT_SOURCE_DIR}/tests/programs/alloc)
set(alloc_out ${CMAKE_BINARY_DIR}/tests/programs/alloc)
file(MAKE_DIRECTORY ${alloc_out})
find_program(FNPROF_ALLOC_CC NAMES gcc gcc-12 REQUIRED)
find_program(FNPROF_ALLOC_CXX NAMES g++ g++-12 REQUIRED)
set(alloc_flags -O1 -g -fno-optimize-sibling-calls -pthread -I${alloc_src})
set(alloc_programs)
foreach(name patterns threads fork operators writers growth exits c_program new_handler)
  if(EXISTS ${alloc_src}/${name}.c)
    set(src ${alloc_src}/${name}.c)
    set(driver ${FNPROF_ALLOC_CC})
    set(std -std=gnu11)
  else()
    set(src ${alloc_src}/${name}.cpp)
    set(driver ${FNPROF_ALLOC_CXX})
    set(std -std=c++20)
  endif()
  add_custom_command(OUTPUT ${alloc_out}/${name}
    COMMAND ${driver} ${alloc_flags} ${std} ${src} -o ${alloc_out}/${name}
    DEPENDS ${src} ${alloc_src}/alloc_program.h
    COMMENT "Building allocation test program ${name}" VERBATIM)
  list(APPEND alloc_programs ${alloc_out}/${name})
endforeach()
add_custom_command(OUTPUT ${alloc_out}/patterns_instrumented
  COMMAND ${FNPROF_ALLOC_CC} ${alloc_flags} -std=gnu11 -finstrument-functions ${alloc_src}/patterns.c
          -o ${alloc_out}/patterns_instrumented $<TARGET_FILE:fnprof>
          -Wl,-rpath,$<TARGET_FILE_DIR:fnprof>
  DEPENDS ${alloc_src}/patterns.c ${alloc_src}/alloc_program.h fnprof
  COMMENT "Building allocation test program patterns_instrumented" VERBATIM)
add_custom_command(OUTPUT ${alloc_out}/patterns_static
  COMMAND ${FNPROF_ALLOC_CC} ${alloc_flags} -std=gnu11 -static ${alloc_src}/patterns.c
          -o ${alloc_out}/patterns_static
  DEPENDS ${alloc_src}/patterns.c ${alloc_src}/alloc_program.h
  COMMENT "Building allocation test program patterns_static" VERBATIM)
# patterns_hooks_only: instrumented but not linked with libfnprof.so (its
# hooks are glibc's empty ones): fnprof-run must say so.
add_custom_command(OUTPUT ${alloc_out}/patterns_hooks_only
  COMMAND ${FNPROF_ALLOC_CC} ${alloc_flags} -std=gnu11 -finstrument-functions ${alloc_src}/patterns.c
          -o ${alloc_out}/patterns_hooks_only
  DEPENDS ${alloc_src}/patterns.c ${alloc_src}/alloc_program.h
  COMMENT "Building allocation test program patterns_hooks_only" VERBATIM)
# status: uses fnprof_status(), so it links libfnprof.so (not instrumented).
add_custom_command(OUTPUT ${alloc_out}/status
  COMMAND ${FNPROF_ALLOC_CC} ${alloc_flags} -std=gnu11 -I${PROJECT_SOURCE_DIR}/include ${alloc_src}/status.c
          -o ${alloc_out}/status -Wl,--no-as-needed $<TARGET_FILE:fnprof> -Wl,-rpath,$<TARGET_FILE_DIR:fnprof>
  DEPENDS ${alloc_src}/status.c ${alloc_src}/alloc_program.h fnprof
  COMMENT "Building allocation test program status" VERBATIM)
# asan_gcc, asan_clang: built with AddressSanitizer (fnprof-run must say it
# cannot track them, and run them).
set(asan_compilers gcc ${FNPROF_ALLOC_CC})
if(FNPROF_CLANG)
  list(APPEND asan_compilers clang ${FNPROF_CLANG})
endif()
while(asan_compilers)
  list(POP_FRONT asan_compilers compiler driver)
  add_custom_command(OUTPUT ${alloc_out}/asan_${compiler}
    COMMAND ${driver} -O1 -g -fsanitize=address -std=gnu11 ${alloc_src}/asan.c -o ${alloc_out}/asan_${compiler}
    DEPENDS ${alloc_src}/asan.c
    COMMENT "Building allocation test program asan_${compiler}" VERBATIM)
  list(APPEND alloc_programs ${alloc_out}/asan_${compiler})
endwhile()
list(APPEND alloc_programs ${alloc_out}/patterns_instrumented ${alloc_out}/patterns_static
  ${alloc_out}/patterns_hooks_only ${alloc_out}/status)
add_custom_target(alloc_test_programs ALL DEPENDS ${alloc_programs})

add_executable(alloc_tests alloc_test.cpp alloc_report_test.cpp descriptors_test.cpp
  fnprof_run_messages_test.cpp program_run.cpp)
target_link_libraries(alloc_tests PRIVATE fnprof_report GTest::gtest_main)
target_compile_definitions(alloc_tests PRIVATE
  FNPROF_ALLOC_PROGRAMS_DIR="${alloc_out}"
  FNPROF_ALLOC_LIBRARY="$<TARGET_FILE:fnprof_alloc>"
  FNPROF_COUNT_ALLOCATIONS="$<TARGET_FILE:fnprof_count_allocations>"
  FNPROF_RUN="$<TARGET_FILE:fnprof-run>"
  FNPROF_PERF_REPORT="$<TARGET_FILE:perf-report>"
  FNPROF_TEST_PROGRAMS_DIR="${programs_dir}"
  FNPROF_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(alloc_tests alloc_test_programs fnprof_alloc fnprof-run perf-report test_programs
  fnprof_count_allocations)
gtest_discover_tests(alloc_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)

# fnprof's totals equal heaptrack's on a program nobody here wrote (GNU bc).
add_test(NAME HeaptrackTotals.AgreeOnGnuBc
  COMMAND bash ${PROJECT_SOURCE_DIR}/benchmarks/heaptrack_totals.sh ${CMAKE_BINARY_DIR} 300)
set_tests_properties(HeaptrackTotals.AgreeOnGnuBc PROPERTIES SKIP_RETURN_CODE 2 TIMEOUT 120)
