long square(long x);
long sum_of_squares(long n);
