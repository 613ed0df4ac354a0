#include "CFuzzerDriver.h"

// Weak: a normal build has no libFuzzer, and the symbol is then null.
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t)) __attribute__((weak));

int aggsim_fuzzer_linked(void) { return LLVMFuzzerRunDriver != 0; }

int aggsim_run_fuzzer(int *argc, char ***argv, aggsim_fuzz_callback callback) {
  if (!LLVMFuzzerRunDriver) return -1;
  return LLVMFuzzerRunDriver(argc, argv, callback);
}
