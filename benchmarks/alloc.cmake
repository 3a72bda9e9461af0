# Allocation tracker benchmarks: include(alloc.cmake) from
# benchmarks/CMakeLists.txt.
#   alloc_bench            Google Benchmark: ns per malloc+free pair (run it
#                          under each preload: see alloc_bench.cpp)
#   compare_heaptrack.sh   whole-program comparison on ../shared/bench/allocbench.c
find_package(benchmark REQUIRED)
add_library(alloc_bench_plain OBJECT alloc_bench_workload.c)
target_compile_options(alloc_bench_plain PRIVATE -O2)
target_compile_definitions(alloc_bench_plain PRIVATE ALLOC_PAIR=alloc_pair_plain)
add_library(alloc_bench_instrumented OBJECT alloc_bench_workload.c)
target_compile_options(alloc_bench_instrumented PRIVATE -O2 -finstrument-functions)
target_compile_definitions(alloc_bench_instrumented PRIVATE ALLOC_PAIR=alloc_pair_instrumented)
add_executable(alloc_bench alloc_bench.cpp)
target_compile_options(alloc_bench PRIVATE -O2)
target_link_libraries(alloc_bench PRIVATE alloc_bench_plain alloc_bench_instrumented
                      benchmark::benchmark fnprof)
add_dependencies(alloc_bench fnprof_alloc)
