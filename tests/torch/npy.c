/* npy.c: the .npy format (numpy's NEP 1), strictly: a magic string, a version, a header that is
 * a Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}, then raw data. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

static const char magic[6] = { '\x93', 'N', 'U', 'M', 'P', 'Y' };

static const struct {
	const char *name;
	size_t size;
} dtypes[] = {
	[NPY_F4] = { "<f4", 4 },
	[NPY_F8] = { "<f8", 8 },
	[NPY_I4] = { "<i4", 4 },
};

const char *npy_dtype_name(npy_dtype t)
{
	return dtypes[t].name;
}

size_t npy_dtype_size(npy_dtype t)
{
	return dtypes[t].size;
}

static bool fail(char *err, size_t errsize, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errsize, "%s: ", path);
	if (n < 0 || (size_t)n >= errsize)
		return false;
	va_start(ap, fmt);
	vsnprintf(err + n, errsize - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static bool host_is_little_endian(void)
{
	const uint16_t one = 1;
	return *(const unsigned char *)&one == 1;
}

/* .npy data is little-endian; a big-endian host swaps every element in place. */
static void to_or_from_little_endian(void *data, size_t count, size_t size)
{
	if (host_is_little_endian())
		return;
	unsigned char *p = data;
	for (size_t i = 0; i < count; i++, p += size)
		for (size_t j = 0; j < size / 2; j++) {
			unsigned char t = p[j];
			p[j] = p[size - 1 - j];
			p[size - 1 - j] = t;
		}
}

/* ---- the header's dict literal ---- */

typedef struct Header {
	const char *s; /* the text, NUL-terminated */
	const char *p; /* the parse position */
	const char *error;
} Header;

static void skip_spaces(Header *h)
{
	while (*h->p == ' ')
		h->p++;
}

static bool expect(Header *h, char c)
{
	skip_spaces(h);
	if (*h->p != c)
		return false;
	h->p++;
	return true;
}

/* A quoted string without escapes, copied to out[size]. */
static bool parse_string(Header *h, char *out, size_t size)
{
	skip_spaces(h);
	char q = *h->p;
	if (q != '\'' && q != '"')
		return false;
	const char *start = ++h->p;
	while (*h->p && *h->p != q && *h->p != '\\')
		h->p++;
	if (*h->p != q || (size_t)(h->p - start) >= size)
		return false;
	memcpy(out, start, (size_t)(h->p - start));
	out[h->p - start] = 0;
	h->p++;
	return true;
}

static bool parse_shape(Header *h, npy_array *a)
{
	if (!expect(h, '('))
		return false;
	a->rank = 0;
	bool comma = false; /* after the last element */
	for (;;) {
		skip_spaces(h);
		if (*h->p == ')') /* (), or a trailing comma as in (3,) */
			break;
		if (a->rank == NPY_MAX_RANK)
			return false;
		if (*h->p < '0' || *h->p > '9')
			return false;
		int64_t v = 0;
		while (*h->p >= '0' && *h->p <= '9') {
			if (v > (INT64_MAX - 9) / 10)
				return false;
			v = v * 10 + (*h->p++ - '0');
		}
		if (*h->p == 'L') /* Python 2 wrote longs */
			h->p++;
		a->shape[a->rank++] = v;
		skip_spaces(h);
		comma = *h->p == ',';
		if (comma)
			h->p++;
		else if (*h->p != ')')
			return false;
	}
	h->p++;
	return a->rank != 1 || comma; /* "(3)" is not a tuple */
}

/* Fills a's dtype and shape from the dict; h->error says what was wrong. */
static bool parse_header(Header *h, npy_array *a)
{
	bool seen_descr = false, seen_order = false, seen_shape = false;
	h->p = h->s;
	if (!expect(h, '{'))
		return h->error = "the header is not a dict", false;
	for (;;) {
		skip_spaces(h);
		if (*h->p == '}')
			break;
		char key[32], val[32];
		if (!parse_string(h, key, sizeof key) || !expect(h, ':'))
			return h->error = "malformed header", false;
		if (strcmp(key, "descr") == 0 && !seen_descr) {
			seen_descr = true;
			if (!parse_string(h, val, sizeof val))
				return h->error = "'descr' is not a simple type string", false;
			size_t t;
			for (t = 0; t < sizeof dtypes / sizeof *dtypes; t++)
				if (strcmp(val, dtypes[t].name) == 0)
					break;
			if (t == sizeof dtypes / sizeof *dtypes)
				return h->error = "unsupported dtype (only <f4, <f8 and <i4)", false;
			a->dtype = (npy_dtype)t;
		} else if (strcmp(key, "fortran_order") == 0 && !seen_order) {
			seen_order = true;
			skip_spaces(h);
			if (strncmp(h->p, "False", 5) == 0)
				h->p += 5;
			else if (strncmp(h->p, "True", 4) == 0)
				return h->error = "Fortran-ordered arrays are not supported", false;
			else
				return h->error = "malformed 'fortran_order'", false;
		} else if (strcmp(key, "shape") == 0 && !seen_shape) {
			seen_shape = true;
			if (!parse_shape(h, a))
				return h->error = "malformed 'shape'", false;
		} else {
			return h->error = "unexpected or repeated key in the header", false;
		}
		skip_spaces(h);
		if (*h->p == ',')
			h->p++;
		else if (*h->p != '}')
			return h->error = "malformed header", false;
	}
	h->p++;
	if (!seen_descr || !seen_order || !seen_shape)
		return h->error = "the header lacks 'descr', 'fortran_order' or 'shape'", false;
	skip_spaces(h);
	if (strcmp(h->p, "\n") != 0)
		return h->error = "unexpected text after the header's dict", false;
	return true;
}

/* ---- files ---- */

static bool read_exact(FILE *f, void *buf, size_t n)
{
	return fread(buf, 1, n, f) == n;
}

static uint32_t le_u32(const unsigned char *b, int bytes)
{
	uint32_t v = 0;
	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

bool npy_read(const char *path, npy_array *a, char *err, size_t errsize)
{
	memset(a, 0, sizeof *a);
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, errsize, path, "cannot open: %s", strerror(errno));
	bool ok = false;
	char *text = NULL;
	unsigned char pre[8], len[4];
	if (!read_exact(f, pre, 8) || memcmp(pre, magic, 6) != 0) {
		fail(err, errsize, path, "not a .npy file");
		goto out;
	}
	int len_bytes = pre[6] == 1 ? 2 : pre[6] == 2 || pre[6] == 3 ? 4 : 0;
	if (!len_bytes || pre[7] != 0) {
		fail(err, errsize, path, "unsupported .npy version %d.%d", pre[6], pre[7]);
		goto out;
	}
	if (!read_exact(f, len, (size_t)len_bytes)) {
		fail(err, errsize, path, "truncated header");
		goto out;
	}
	uint32_t n = le_u32(len, len_bytes);
	if (n > 1u << 20 || !(text = malloc((size_t)n + 1)) || !read_exact(f, text, n)) {
		fail(err, errsize, path, text || n > 1u << 20 ? "truncated or oversized header"
		                                              : "out of memory");
		goto out;
	}
	text[n] = 0;
	if (strlen(text) != n) {
		fail(err, errsize, path, "NUL byte in the header");
		goto out;
	}
	Header h = { text, text, NULL };
	if (!parse_header(&h, a)) {
		fail(err, errsize, path, "%s: %s", h.error, text);
		goto out;
	}
	size_t size = npy_dtype_size(a->dtype);
	a->count = 1;
	for (int i = 0; i < a->rank; i++) {
		if (a->shape[i] && (uint64_t)a->count > SIZE_MAX / size / (uint64_t)a->shape[i]) {
			fail(err, errsize, path, "array too large");
			goto out;
		}
		a->count *= (size_t)a->shape[i];
	}
	if (!(a->data = malloc(a->count ? a->count * size : 1))) {
		fail(err, errsize, path, "out of memory");
		goto out;
	}
	if (!read_exact(f, a->data, a->count * size)) {
		fail(err, errsize, path, "truncated data: expected %zu bytes", a->count * size);
		goto out;
	}
	if (fgetc(f) != EOF) {
		fail(err, errsize, path, "trailing bytes after the data");
		goto out;
	}
	to_or_from_little_endian(a->data, a->count, size);
	ok = true;
out:
	free(text);
	fclose(f);
	if (!ok)
		npy_free(a);
	return ok;
}

bool npy_write(const char *path, npy_dtype t, int rank, const int64_t *shape, const void *data,
               char *err, size_t errsize)
{
	if (rank < 0 || rank > NPY_MAX_RANK)
		return fail(err, errsize, path, "rank %d out of range", rank);
	char dict[64 + 24 * NPY_MAX_RANK];
	int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
	                 npy_dtype_name(t));
	size_t count = 1;
	for (int i = 0; i < rank; i++) {
		n += snprintf(dict + n, sizeof dict - (size_t)n, "%s%lld", i ? ", " : "",
		              (long long)shape[i]);
		count *= (size_t)shape[i];
	}
	n += snprintf(dict + n, sizeof dict - (size_t)n, "%s), }", rank == 1 ? "," : "");
	/* pad with spaces so the data starts on a multiple of 64, as numpy does */
	size_t total = 10 + (size_t)n + 1;
	size_t pad = (64 - total % 64) % 64;
	size_t hlen = (size_t)n + pad + 1;
	unsigned char pre[10];
	memcpy(pre, magic, 6);
	pre[6] = 1;
	pre[7] = 0;
	pre[8] = (unsigned char)(hlen & 0xff);
	pre[9] = (unsigned char)(hlen >> 8);

	size_t size = npy_dtype_size(t);
	unsigned char *le = malloc(count ? count * size : 1);
	if (!le)
		return fail(err, errsize, path, "out of memory");
	memcpy(le, data, count * size);
	to_or_from_little_endian(le, count, size);

	FILE *f = fopen(path, "wb");
	if (!f) {
		free(le);
		return fail(err, errsize, path, "cannot create: %s", strerror(errno));
	}
	fwrite(pre, 1, sizeof pre, f);
	fwrite(dict, 1, (size_t)n, f);
	for (size_t i = 0; i < pad; i++)
		fputc(' ', f);
	fputc('\n', f);
	fwrite(le, size, count, f);
	free(le);
	bool ok = !ferror(f);
	ok &= fclose(f) == 0;
	if (!ok)
		return fail(err, errsize, path, "write error: %s", strerror(errno));
	return true;
}

void npy_free(npy_array *a)
{
	free(a->data);
	a->data = NULL;
	a->count = 0;
	a->rank = 0;
}
