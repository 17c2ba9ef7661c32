/* arena.c: one arena for the whole run; freed once at exit. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct Block {
	struct Block *next;
	size_t used, size;
	max_align_t data[];
} Block;

static Block *head;

static void out_of_memory(void)
{
	fputs("morchgen: out of memory\n", stderr);
	exit(1);
}

void *arena_alloc(size_t size)
{
	size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!head || head->size - head->used < size) {
		size_t bsize = size > 65536 ? size : 65536;
		Block *b = malloc(sizeof *b + bsize);
		if (!b)
			out_of_memory();
		b->next = head;
		b->used = 0;
		b->size = bsize;
		head = b;
	}
	void *p = (char *)head->data + head->used;
	head->used += size;
	memset(p, 0, size);
	return p;
}

void *arena_grow(void *old, size_t oldsize, size_t newsize)
{
	void *p = arena_alloc(newsize);
	if (old)
		memcpy(p, old, oldsize < newsize ? oldsize : newsize);
	return p;
}

char *arena_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(arena_alloc(n), s, n);
}

char *arena_printf(const char *fmt, ...)
{
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = arena_alloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, aq);
	va_end(aq);
	return s;
}

void str_add(Str *b, const char *fmt, ...)
{
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	size_t n = (size_t)vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = arena_grow(b->s, b->cap, cap);
		b->cap = cap;
	}
	vsnprintf(b->s + b->len, n + 1, fmt, aq);
	va_end(aq);
	b->len += n;
}

const char *str_get(const Str *b)
{
	return b->s ? b->s : "";
}

void arena_free_all(void)
{
	while (head) {
		Block *next = head->next;
		free(head);
		head = next;
	}
}

void internal_error(const char *file, int line, const char *msg)
{
	fprintf(stderr, "morchgen: internal error at %s:%d: %s\n"
	                "This is a bug in morchgen, not in your graph; please report it.\n",
	        file, line, msg);
	abort();
}
