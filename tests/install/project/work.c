#include "work.h"

long square(long x) { return x * x; }

long sum_of_squares(long n) {
  long sum = 0;
  for (long i = 1; i <= n; ++i) sum += square(i);
  return sum;
}
