/* symtab.c: string keys to pointers (symtab.h), linear probing in arena memory. */
#include <stdint.h>
#include <string.h>

#include "symtab.h"
#include "util.h"

static size_t hash(const char *s) /* FNV-1a */
{
	uint64_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)h;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t slot(const SymTab *t, const char *key)
{
	size_t i = hash(key) & (t->cap - 1);
	while (t->key[i] && strcmp(t->key[i], key) != 0)
		i = (i + 1) & (t->cap - 1);
	return i;
}

void *symtab_get(const SymTab *t, const char *key)
{
	if (!t->cap)
		return NULL;
	size_t i = slot(t, key);
	return t->key[i] ? t->value[i] : NULL;
}

static void grow(SymTab *t)
{
	SymTab bigger = { NULL, NULL, t->cap ? 2 * t->cap : 16, 0 };
	bigger.key = arena_alloc(sizeof *bigger.key * bigger.cap);
	bigger.value = arena_alloc(sizeof *bigger.value * bigger.cap);
	for (size_t i = 0; i < t->cap; i++)
		if (t->key[i])
			symtab_put(&bigger, t->key[i], t->value[i]);
	*t = bigger;
}

void symtab_put(SymTab *t, const char *key, void *value)
{
	if (2 * (t->n + 1) > t->cap)
		grow(t);
	size_t i = slot(t, key);
	if (!t->key[i]) {
		t->key[i] = key;
		t->n++;
	}
	t->value[i] = value;
}
