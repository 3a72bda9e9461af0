// A C++ program that prints with iostream and starts a std::thread, joins it,
// and frees everything it allocated itself: nothing is lost. What stays
// allocated is the C++ and C runtimes' own (libstdc++'s emergency pool, the
// joined thread's dynamic thread vector that glibc keeps with its cached
// stack, stdout's buffer): still reachable.
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

int main() {
  std::cout << "joined thread\n";
  auto numbers = std::make_unique<std::vector<int>>(100, 1);
  int sum = 0;
  std::thread worker([&] {
    for (int n : *numbers) sum += n;
  });
  worker.join();
  std::printf("%d\n", sum);
  return 0;
}
