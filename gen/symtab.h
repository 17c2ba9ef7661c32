/* symtab.h: a table from strings to pointers, by open hashing, so looking names up costs the
 * same in a graph of ten statements as in one of a hundred thousand. */
#ifndef MORCH_SYMTAB_H
#define MORCH_SYMTAB_H

#include <stddef.h>

typedef struct SymTab {
	const char **key; /* NULL for an empty slot */
	void **value;
	size_t cap, n;    /* cap is 0 or a power of two, at least twice n */
} SymTab;

void *symtab_get(const SymTab *t, const char *key); /* NULL when absent */
void symtab_put(SymTab *t, const char *key, void *value); /* adds or replaces; keeps key */

#endif
