#!/bin/sh
# A compiler for the wrapper tests: asked for its predefined macros (-dM -E)
# it prints $FAKE_MACROS (e.g. "#define __GNUC__ 12"); otherwise it prints
# the arguments it was given, one a line, so a test sees exactly what the
# wrapper passed.
for arg do
  if [ "$arg" = -dM ]; then
    printf '%b\n' "$FAKE_MACROS"
    exit 0
  fi
done
printf '%s\n' "$@"
