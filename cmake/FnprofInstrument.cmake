# fnprof_instrument(<target> [HOOKS <library>])
#
# Builds <target> the way a user's program is profiled with fnprof: its
# sources are compiled with -finstrument-functions (GCC and Clang both emit a
# __cyg_profile_func_enter/exit call pair per function) and it is linked
# against the library that defines those hooks: the fnprof runtime by
# default, or HOOKS <library> (e.g. fnprof_counting_hooks, the counting-only
# reference hooks the tests compare against).
#
#   include(FnprofInstrument)
#   add_executable(app main.cpp)
#   fnprof_instrument(app)
include_guard(GLOBAL)

function(fnprof_instrument target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "HOOKS" "")
  if(NOT arg_HOOKS)
    set(arg_HOOKS fnprof)
  endif()
  target_compile_options(${target} PRIVATE -finstrument-functions)
  target_link_libraries(${target} PRIVATE ${arg_HOOKS})
endfunction()
