/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c) and the corpus
 * replay driver (replay_main.c). A harness is one LLVMFuzzerTestOneInput;
 * it must not exit(), must free everything it allocates (the leak checker
 * runs after every input in the replay) and reports a broken invariant with
 * vq_fuzz_fail(), which aborts so that both libFuzzer and the replay
 * driver see a crash with a message saying which invariant.
 */
#ifndef VQ_FUZZ_H
#define VQ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* One-time set-up, defined by every harness; the replay driver calls it too. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

__attribute__((noreturn, format(printf, 1, 2)))
void vq_fuzz_fail(const char *fmt, ...);

/* The agent's log into /dev/null at debug level (formatting still runs). */
void vq_fuzz_quiet_log(void);

#endif
