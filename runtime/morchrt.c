/* morchrt.c: aligned buffers for workspaces, and helpers for reflected graphs. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <stdint.h>
#include <stdlib.h>

#include "morchrt.h"

/* C99 has no aligned_alloc: over-allocate, align, and keep the original pointer just below. */
void *morch_alloc(size_t bytes)
{
	size_t extra = MORCH_ALIGN + sizeof(void *);
	if (bytes > SIZE_MAX - extra)
		return NULL;
	void *raw = malloc(bytes + extra);
	if (!raw)
		return NULL;
	uintptr_t p = ((uintptr_t)raw + extra) & ~(uintptr_t)(MORCH_ALIGN - 1);
	((void **)p)[-1] = raw;
	return (void *)p;
}

void morch_free(void *p)
{
	if (p)
		free(((void **)p)[-1]);
}

const char *morch_version(void)
{
	return PACKAGE_VERSION;
}

int64_t morch_dim_value(const morch_dim *d, const int64_t *sizes)
{
	int64_t v = d->coef;
	for (int i = 0; i < MORCH_MAX_SIZES; i++)
		for (int e = 0; e < d->exp[i]; e++)
			v *= sizes[i];
	return v;
}

int64_t morch_numel(const morch_tensor_info *t, const int64_t *sizes)
{
	int64_t n = 1;
	for (int i = 0; i < t->rank; i++)
		n *= morch_dim_value(&t->dims[i], sizes);
	return n;
}
