/* driver.h: the compiler as a library call, for morchgen's command line and the fuzzers. */
#ifndef MORCH_DRIVER_H
#define MORCH_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ir.h"

/* The optimizer's passes, in the order compile_source runs them. */
int driver_npasses(void);
const char *driver_pass_name(int i);

/* Parses, builds, differentiates and (at opt_level 1 or more) optimizes `text`, reporting errors
 * through diag under the name `file`. With `dump` ("build" or a pass name) it prints every graph
 * to `dump_to` after that pass and sets *dumped. Returns NULL when errors were reported. Memory
 * is in the arena: arena_free_all() releases it. */
Module *compile_source(const char *file, const char *text, size_t len, int opt_level,
                       const char *dump, FILE *dump_to, bool *dumped);

#endif
