/*
 * What the fuzz harnesses share.  Each harness is one file defining
 * LLVMFuzzerTestOneInput; it is linked either with libFuzzer (`make
 * fuzz`, clang) or with replay.c (`make check`, any C compiler), which
 * feeds it every file of its corpus, so each input that once crashed a
 * harness stays a regression test.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A path to a private temporary file holding data[0..size), for the
 * library's path-based entry points; the file is reused by the next
 * call.  Returns NULL when it cannot be written.
 */
const char *fuzz_file(const uint8_t *data, size_t size);

#endif
