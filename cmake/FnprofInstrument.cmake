# fnprof_instrument(<target> [HOOKS <library>] [ALL_FUNCTIONS])
#
# Builds <target> the way a user's program is profiled with fnprof: its
# sources are compiled with -finstrument-functions (GCC and Clang both emit a
# __cyg_profile_func_enter/exit call pair per function) and it is linked
# against the library that defines those hooks: the fnprof runtime
# (fnprof::runtime) by default, or HOOKS <library> (e.g.
# fnprof_counting_hooks, the counting-only reference hooks the tests compare
# against).
#
# The same file serves add_subdirectory(fnprof) and find_package(fnprof)
# (installed next to fnprofConfig.cmake): fnprof::runtime is an alias of the
# build's target in the first case, the imported library in the second.
#
# With GCC, functions from system headers (/usr/include: the std:: templates
# and inline functions, which would otherwise make most of the calls and
# crowd the report) are left uninstrumented, unless ALL_FUNCTIONS is given.
# Clang has no such option: its profiles include them.
#
# Clang before 15 with libstdc++ 12 cannot link C++ built with
# -finstrument-functions as soon as it uses std::string: the always_inline
# members of libstdc++'s extern templates (std::allocator<char>::allocate,
# basic_string::_M_use_local_data) are called but never emitted (LLVM issue
# 50742). For C++ with those compilers the hooks are inserted after inlining
# instead (-finstrument-functions-after-inlining): the program links and the
# profile keeps every function that was not inlined.
#
#   include(FnprofInstrument)
#   add_executable(app main.cpp)
#   fnprof_instrument(app)
include_guard(GLOBAL)

function(fnprof_instrument target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "ALL_FUNCTIONS" "HOOKS" "")
  if(NOT arg_HOOKS)
    set(arg_HOOKS fnprof::runtime)
  endif()
  set(old_clangxx "$<AND:$<COMPILE_LANG_AND_ID:CXX,Clang>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,15>>")
  target_compile_options(${target} PRIVATE
    "$<IF:${old_clangxx},-finstrument-functions-after-inlining,-finstrument-functions>")
  if(NOT arg_ALL_FUNCTIONS)
    target_compile_options(${target} PRIVATE
      "$<$<OR:$<COMPILE_LANG_AND_ID:C,GNU>,$<COMPILE_LANG_AND_ID:CXX,GNU>>:-finstrument-functions-exclude-file-list=/usr/include>")
  endif()
  # Linked even when nothing seems to need it: GCC on Debian and Ubuntu links
  # with --as-needed, and a program whose only references to the runtime are
  # the weak ones of the API (fnprof.h) would silently lose libfnprof.so,
  # and its profile with it.
  set(hooks -Wl,--push-state,--no-as-needed ${arg_HOOKS} -Wl,--pop-state)
  # What target_link_libraries(PRIVATE) does, through the properties: that
  # command refuses a keyword once a project used the plain signature on the
  # target (leveldb does). A static library passes the hooks on to whatever
  # links it, as LINK_ONLY (only their link, not their usage requirements);
  # exported, that reads fnprof::runtime, which fnprof's own export set
  # provides under add_subdirectory and find_package alike.
  set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES ${hooks})
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY")
    set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES
      -Wl,--push-state,--no-as-needed "$<LINK_ONLY:${arg_HOOKS}>" -Wl,--pop-state)
  endif()
endfunction()
