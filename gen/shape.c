/* shape.c: dimensions as monomials over the graph's size names, and the shape rules. */
#include <stdio.h>
#include <string.h>

#include "ir.h"
#include "util.h"

Dim dim_int(int64_t v)
{
	Dim d;
	memset(&d, 0, sizeof d);
	d.coef = v;
	return d;
}

Dim dim_sym(int sym)
{
	Dim d = dim_int(1);
	d.exp[sym] = 1;
	return d;
}

bool dim_eq(const Dim *a, const Dim *b)
{
	return a->coef == b->coef && memcmp(a->exp, b->exp, sizeof a->exp) == 0;
}

bool dim_is_const(const Dim *d)
{
	for (int i = 0; i < MAX_SYMS; i++)
		if (d->exp[i])
			return false;
	return true;
}

bool dim_is_one(const Dim *d)
{
	return d->coef == 1 && dim_is_const(d);
}

/* a * b, saturating at INT64_MAX instead of overflowing, in portable C99 (the quotient decides
 * before anything is multiplied). Coefficients of products are positive. A saturated count is
 * far beyond shape_too_large's limit, so build.c reports the shape: no wrapped or saturated
 * number reaches a message or the output. */
static int64_t coef_mul(int64_t a, int64_t b)
{
	if (a > 0 && b > 0 && a > INT64_MAX / b)
		return INT64_MAX;
	return a * b;
}

Dim dim_mul(Dim a, Dim b)
{
	Dim r = a;
	r.coef = coef_mul(a.coef, b.coef);
	for (int i = 0; i < MAX_SYMS; i++)
		r.exp[i] = a.exp[i] + b.exp[i] > UINT8_MAX ? UINT8_MAX : (uint8_t)(a.exp[i] + b.exp[i]);
	return r;
}

bool shape_too_large(const Shape *s)
{
	Dim n = shape_count(s);
	int degree = 0;
	for (int i = 0; i < MAX_SYMS; i++)
		degree += n.exp[i];
	return n.coef > ((int64_t)1 << 48) || degree > 64;
}

bool dim_div(Dim a, Dim b, Dim *q)
{
	if (b.coef == 0 || a.coef % b.coef != 0)
		return false;
	Dim r = dim_int(a.coef / b.coef);
	for (int i = 0; i < MAX_SYMS; i++) {
		if (a.exp[i] < b.exp[i])
			return false;
		r.exp[i] = (uint8_t)(a.exp[i] - b.exp[i]);
	}
	*q = r;
	return true;
}

Dim shape_count(const Shape *s)
{
	Dim n = dim_int(1);
	for (int i = 0; i < s->rank; i++)
		n = dim_mul(n, s->dim[i]);
	return n;
}

Shape shape_scalar(void)
{
	Shape s;
	memset(&s, 0, sizeof s);
	return s;
}

bool shape_eq(const Shape *a, const Shape *b)
{
	if (a->rank != b->rank)
		return false;
	for (int i = 0; i < a->rank; i++)
		if (!dim_eq(&a->dim[i], &b->dim[i]))
			return false;
	return true;
}

/* numpy: align from the right; equal dims stay, a dim of 1 stretches. A size name only matches
 * itself: [N, 4] + [M, 4] is an error even though N may equal M at run time. */
bool shape_broadcast(const Shape *a, const Shape *b, Shape *out)
{
	Shape r = shape_scalar();
	r.rank = a->rank > b->rank ? a->rank : b->rank;
	for (int i = 0; i < r.rank; i++) {
		int ia = a->rank - r.rank + i, ib = b->rank - r.rank + i;
		Dim one = dim_int(1);
		const Dim *da = ia >= 0 ? &a->dim[ia] : &one;
		const Dim *db = ib >= 0 ? &b->dim[ib] : &one;
		if (dim_eq(da, db) || dim_is_one(db))
			r.dim[i] = *da;
		else if (dim_is_one(da))
			r.dim[i] = *db;
		else
			return false;
	}
	*out = r;
	return true;
}

Shape shape_reduce(const Shape *s, unsigned axes, bool keepdims)
{
	Shape r = shape_scalar();
	for (int i = 0; i < s->rank; i++) {
		if (!(axes >> i & 1))
			r.dim[r.rank++] = s->dim[i];
		else if (keepdims)
			r.dim[r.rank++] = dim_int(1);
	}
	return r;
}

/* Operands of rank 2 or 3 ([batch,] rows, cols); ta/tb transpose the last two dims. Batch dims
 * broadcast; a rank-2 operand is shared by every batch. */
bool shape_matmul(const Shape *a, const Shape *b, bool ta, bool tb, Shape *out)
{
	if (a->rank < 2 || a->rank > 3 || b->rank < 2 || b->rank > 3)
		return false;
	const Dim *ad = &a->dim[a->rank - 2], *bd = &b->dim[b->rank - 2];
	Dim m = ad[ta ? 1 : 0], ka = ad[ta ? 0 : 1];
	Dim kb = bd[tb ? 1 : 0], n = bd[tb ? 0 : 1];
	if (!dim_eq(&ka, &kb))
		return false;
	Shape r = shape_scalar();
	if (a->rank == 3 || b->rank == 3) {
		Shape ba = shape_scalar(), bb = shape_scalar(), bo;
		if (a->rank == 3)
			ba.rank = 1, ba.dim[0] = a->dim[0];
		if (b->rank == 3)
			bb.rank = 1, bb.dim[0] = b->dim[0];
		if (!shape_broadcast(&ba, &bb, &bo))
			return false;
		r.dim[r.rank++] = bo.dim[0];
	}
	r.dim[r.rank++] = m;
	r.dim[r.rank++] = n;
	*out = r;
	return true;
}

/* "2 * N": the whole text, in the arena. What reaches generated C is printed by these. */
const char *dim_text(const Graph *g, const Dim *d, const char *mul)
{
	Str s = { 0 };
	if (d->coef != 1 || dim_is_const(d))
		str_add(&s, "%lld", (long long)d->coef);
	for (int i = 0; i < MAX_SYMS; i++)
		for (int e = 0; e < d->exp[i]; e++)
			str_add(&s, "%s%s", s.len ? mul : "", g->sym[i]);
	return str_get(&s);
}

const char *shape_text(const Graph *g, const Shape *s)
{
	Str b = { 0 };
	str_add(&b, "[");
	for (int i = 0; i < s->rank; i++)
		str_add(&b, "%s%s", i ? ", " : "", dim_text(g, &s->dim[i], "*"));
	str_add(&b, "]");
	return str_get(&b);
}

/* Copies text into buf; a text too long for it ends in "..." so a message never shows a cut
 * name as if it were another. */
static char *fit(const char *text, char *buf, size_t size)
{
	size_t n = strlen(text);
	if (n < size)
		return memcpy(buf, text, n + 1);
	if (size == 0)
		return buf;
	size_t keep = size > 4 ? size - 4 : 0;
	memcpy(buf, text, keep);
	snprintf(buf + keep, size - keep, "...");
	return buf;
}

char *dim_str(const Graph *g, const Dim *d, const char *mul, char *buf, size_t size)
{
	return fit(dim_text(g, d, mul), buf, size);
}

char *shape_str(const Graph *g, const Shape *s, char *buf, size_t size)
{
	return fit(shape_text(g, s), buf, size);
}
