/* A program with its own crc32_z, zlib's name and signature, as a program
 * that contains zlib has (exported: test programs link with -rdynamic). The
 * runtime checksums the dump with a CRC of its own and must never call the
 * program's, so the profile has exactly the calls the program made.
 *
 * Expected calls:     main 1, crc32_z 3
 * Expected edges:     <root>->main 1, main->crc32_z 3
 * Output: "own_crc32 cbf43926 cbf43926", exit status 0.
 */
#include <stddef.h>
#include <stdio.h>

#include "test_program.h"

NOINLINE unsigned long crc32_z(unsigned long crc, const unsigned char* buf, size_t len) {
  crc = ~crc & 0xffffffffu;
  for (size_t i = 0; i < len; ++i) {
    crc ^= buf[i];
    for (int k = 0; k < 8; ++k) crc = crc & 1 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
  }
  return ~crc & 0xffffffffu;
}

int main(void) {
  const unsigned char text[] = "123456789";
  unsigned long whole = crc32_z(0, text, 9);
  unsigned long chained = crc32_z(crc32_z(0, text, 4), text + 4, 5);
  printf("own_crc32 %lx %lx\n", whole, chained);
  return 0;
}
