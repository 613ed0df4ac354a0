#ifndef AGGSIM_CFUZZERDRIVER_H
#define AGGSIM_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// The input callback libFuzzer calls: one input, returns 0.
typedef int (*aggsim_fuzz_callback)(const uint8_t *data, size_t size);

/// Whether libFuzzer is linked in (a build with -sanitize=fuzzer, `make fuzz`).
int aggsim_fuzzer_linked(void);

/// Runs libFuzzer's driver (`LLVMFuzzerRunDriver`) over `callback` with the command line's
/// libFuzzer flags and corpus directories; -1 when libFuzzer is not linked in.
int aggsim_run_fuzzer(int *argc, char ***argv, aggsim_fuzz_callback callback);
#endif
