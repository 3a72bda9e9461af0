# Leak-class tests: include(leak.cmake) from tests/runtime/CMakeLists.txt,
# after alloc.cmake.
#
# The programs of tests/programs/leaks, whose leak classes are known by
# construction, built with GCC and Clang into
# ${CMAKE_BINARY_DIR}/tests/programs/leaks/<name>_<compiler>: plain (the
# tracker unwinds), -O1 and no sibling calls so that every site function
# stays on the stack.
set(leak_src ${PROJECT_SOURCE_DIR}/tests/programs/leaks)
set(leak_out ${CMAKE_BINARY_DIR}/tests/programs/leaks)
file(MAKE_DIRECTORY ${leak_out})
set(leak_compilers gcc ${FNPROF_ALLOC_CC} ${FNPROF_ALLOC_CXX})
if(FNPROF_CLANG AND FNPROF_CLANGXX)
  list(APPEND leak_compilers clang ${FNPROF_CLANG} ${FNPROF_CLANGXX})
endif()
set(leak_programs)
while(leak_compilers)
  list(POP_FRONT leak_compilers compiler cc cxx)
  foreach(source leak_classes.c joined_thread.cpp idle_thread.c)
    get_filename_component(name ${source} NAME_WE)
    if(source MATCHES "\\.c$")
      set(driver ${cc} -std=gnu11)
    else()
      set(driver ${cxx} -std=c++20)
    endif()
    add_custom_command(OUTPUT ${leak_out}/${name}_${compiler}
      COMMAND ${driver} -O1 -g -fno-optimize-sibling-calls -pthread -I${alloc_src} ${leak_src}/${source}
              -o ${leak_out}/${name}_${compiler}
      DEPENDS ${leak_src}/${source} ${alloc_src}/alloc_program.h
      COMMENT "Building leak test program ${name}_${compiler}" VERBATIM)
    list(APPEND leak_programs ${leak_out}/${name}_${compiler})
  endforeach()
endwhile()
add_custom_target(leak_test_programs ALL DEPENDS ${leak_programs})

add_executable(leak_tests leak_test.cpp program_run.cpp)
target_link_libraries(leak_tests PRIVATE fnprof_report GTest::gtest_main)
target_compile_definitions(leak_tests PRIVATE
  FNPROF_LEAK_PROGRAMS_DIR="${leak_out}"
  FNPROF_ALLOC_LIBRARY="$<TARGET_FILE:fnprof_alloc>"
  FNPROF_HAVE_CLANG=$<BOOL:${FNPROF_CLANG}>)
add_dependencies(leak_tests leak_test_programs fnprof_alloc)
gtest_discover_tests(leak_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
