/* diag.h: located error messages, cproc style: FILE:LINE:COL: error: TEXT, the line, a caret. */
#ifndef MORCH_DIAG_H
#define MORCH_DIAG_H

#include "ir.h"

/* The file being compiled: its name as given and its whole text (for quoting lines). */
void diag_set_source(const char *filename, const char *text, size_t len);
void error_at(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int diag_errors(void);

#endif
