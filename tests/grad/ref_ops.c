/* ref_ops.c: the reference array library (see ref_ops.h): naive loops over row-major arrays. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ref_ops.h"

/* ---- memory ---- */

static double **blocks;
static size_t nblocks, capblocks;

void arr_free_all(void)
{
	for (size_t i = 0; i < nblocks; i++)
		free(blocks[i]);
	free(blocks);
	blocks = NULL;
	nblocks = capblocks = 0;
}

Arr arr_new(int rank, const int64_t *dim)
{
	Arr a;
	memset(&a, 0, sizeof a);
	assert_true(rank >= 0 && rank <= MAX_RANK);
	a.rank = rank;
	a.n = 1;
	for (int d = 0; d < rank; d++) {
		assert_true(dim[d] >= 1);
		a.dim[d] = dim[d];
		a.n *= dim[d];
	}
	a.p = calloc((size_t)a.n, sizeof *a.p);
	assert_non_null(a.p);
	if (nblocks == capblocks) {
		capblocks = capblocks ? 2 * capblocks : 64;
		blocks = realloc(blocks, sizeof *blocks * capblocks);
		assert_non_null(blocks);
	}
	blocks[nblocks++] = a.p;
	return a;
}

Arr arr_scalar(double v)
{
	Arr a = arr_new(0, NULL);
	a.p[0] = v;
	return a;
}

Arr arr_of_arg(const Run *r, int i)
{
	const Tensor *t = &r->arg[i];
	assert_int_not_equal(t->info->dtype, MORCH_F32);
	Arr a = arr_new(t->rank, t->dim);
	for (int64_t k = 0; k < a.n; k++)
		a.p[k] = tensor_get(t, k);
	return a;
}

int64_t run_size(const Run *r, const char *name)
{
	for (int i = 0; i < r->g->nsizes; i++)
		if (strcmp(r->g->sizes[i], name) == 0)
			return r->sizes[i];
	fail_msg("%s: no size named %s", r->where, name);
	return 0;
}

/* ---- elementwise ---- */

static double unary1(RefOp op, double x)
{
	switch (op) {
	case R_NEG: return -x;
	case R_EXP: return exp(x);
	case R_LOG: return log(x);
	case R_SQRT: return sqrt(x);
	case R_TANH: return tanh(x);
	case R_SIGMOID: return 0.5 * (1 + tanh(x / 2)); /* not the generator's 1 / (1 + e^-x) */
	case R_RELU: return x > 0 ? x : 0;
	case R_ABS: return fabs(x);
	default: fail_msg("not a unary op: %d", op);
	}
	return 0;
}

static double binary1(RefOp op, double a, double b)
{
	switch (op) {
	case R_ADD: return a + b;
	case R_SUB: return a - b;
	case R_MUL: return a * b;
	case R_DIV: return a / b;
	case R_POW: return pow(a, b);
	case R_MAXIMUM: return a > b ? a : b;
	case R_MINIMUM: return a < b ? a : b;
	case R_EQ: return a == b;
	case R_GT: return a > b;
	default: fail_msg("not a binary op: %d", op);
	}
	return 0;
}

Arr ref_unary(RefOp op, Arr x)
{
	Arr y = arr_new(x.rank, x.dim);
	for (int64_t i = 0; i < x.n; i++)
		y.p[i] = unary1(op, x.p[i]);
	return y;
}

/* The flat index into a of the element at multi-index idx of a result of rank `rank`, with a's
 * dims aligned to the right and its dims of 1 stretched. */
static int64_t bcast_offset(const Arr *a, const int64_t *idx, int rank)
{
	int64_t off = 0;
	for (int d = 0; d < a->rank; d++) {
		int64_t i = idx[d + rank - a->rank];
		off = off * a->dim[d] + (a->dim[d] == 1 ? 0 : i);
	}
	return off;
}

static void unravel(int64_t k, int rank, const int64_t *dim, int64_t *idx)
{
	for (int d = rank - 1; d >= 0; d--) {
		idx[d] = k % dim[d];
		k /= dim[d];
	}
}

Arr ref_binary(RefOp op, Arr a, Arr b)
{
	int rank = a.rank > b.rank ? a.rank : b.rank;
	int64_t dim[MAX_RANK];
	for (int d = 0; d < rank; d++) {
		int ia = d - (rank - a.rank), ib = d - (rank - b.rank);
		int64_t da = ia >= 0 ? a.dim[ia] : 1, db = ib >= 0 ? b.dim[ib] : 1;
		if (da != db && da != 1 && db != 1)
			fail_msg("reference: dims %lld and %lld do not broadcast", (long long)da,
			         (long long)db);
		dim[d] = da > db ? da : db;
	}
	Arr y = arr_new(rank, dim);
	int64_t idx[MAX_RANK];
	for (int64_t k = 0; k < y.n; k++) {
		unravel(k, rank, dim, idx);
		y.p[k] = binary1(op, a.p[bcast_offset(&a, idx, rank)], b.p[bcast_offset(&b, idx, rank)]);
	}
	return y;
}

Arr add(Arr a, Arr b) { return ref_binary(R_ADD, a, b); }
Arr sub(Arr a, Arr b) { return ref_binary(R_SUB, a, b); }
Arr mul(Arr a, Arr b) { return ref_binary(R_MUL, a, b); }
Arr dvd(Arr a, Arr b) { return ref_binary(R_DIV, a, b); }
Arr num(double v) { return arr_scalar(v); }

/* ---- along axes ---- */

static int resolve_axis(int axis, int rank)
{
	int a = axis < 0 ? axis + rank : axis;
	if (a < 0 || a >= rank)
		fail_msg("reference: axis %d out of range for rank %d", axis, rank);
	return a;
}

/* x as [outer, len, inner] around an axis. */
static void around(const Arr *x, int axis, int64_t *outer, int64_t *len, int64_t *inner)
{
	*outer = *inner = 1;
	for (int d = 0; d < axis; d++)
		*outer *= x->dim[d];
	for (int d = axis + 1; d < x->rank; d++)
		*inner *= x->dim[d];
	*len = x->dim[axis];
}

static Arr reduced_shape(Arr x, int axis, bool keepdims)
{
	int64_t dim[MAX_RANK];
	int rank = 0;
	for (int d = 0; d < x.rank; d++)
		if (d != axis)
			dim[rank++] = x.dim[d];
		else if (keepdims)
			dim[rank++] = 1;
	return arr_new(rank, dim);
}

Arr ref_reduce(RefOp op, Arr x, int axis, bool keepdims)
{
	if (axis == ALL_AXES) { /* everything: as a reduction of the flat array along its axis */
		int64_t all_ones[MAX_RANK] = { 1, 1, 1, 1, 1, 1, 1, 1 };
		Arr flat = ref_reshape(x, 1, &x.n);
		Arr s = ref_reduce(op, flat, 0, false);
		return keepdims ? ref_reshape(s, x.rank, all_ones) : s;
	}
	int ax = resolve_axis(axis, x.rank);
	int64_t outer, len, inner;
	around(&x, ax, &outer, &len, &inner);
	Arr y = reduced_shape(x, ax, keepdims);
	for (int64_t o = 0; o < outer; o++)
		for (int64_t i = 0; i < inner; i++) {
			double acc = op == R_MAX ? -INFINITY : op == R_MIN ? INFINITY : 0;
			for (int64_t k = 0; k < len; k++) {
				double v = x.p[(o * len + k) * inner + i];
				if (op == R_MAX)
					acc = v > acc ? v : acc;
				else if (op == R_MIN)
					acc = v < acc ? v : acc;
				else
					acc += v;
			}
			y.p[o * inner + i] = op == R_MEAN ? acc / (double)len : acc;
		}
	return y;
}

Arr ref_along(RefOp op, Arr x, int axis, bool keepdims)
{
	int ax = resolve_axis(axis, x.rank);
	int64_t outer, len, inner;
	around(&x, ax, &outer, &len, &inner);
	Arr y = op == R_LOGSUMEXP ? reduced_shape(x, ax, keepdims) : arr_new(x.rank, x.dim);
	for (int64_t o = 0; o < outer; o++)
		for (int64_t i = 0; i < inner; i++) {
			const double *row = x.p + o * len * inner + i;
			double mx = -INFINITY, s = 0;
			for (int64_t k = 0; k < len; k++)
				mx = row[k * inner] > mx ? row[k * inner] : mx;
			for (int64_t k = 0; k < len; k++)
				s += exp(row[k * inner] - mx);
			if (op == R_LOGSUMEXP) {
				y.p[o * inner + i] = mx + log(s);
				continue;
			}
			double *out = y.p + o * len * inner + i;
			for (int64_t k = 0; k < len; k++)
				out[k * inner] = op == R_SOFTMAX ? exp(row[k * inner] - mx) / s
				                                 : row[k * inner] - mx - log(s);
		}
	return y;
}

/* ---- shapes and products ---- */

Arr ref_matmul(Arr a, Arr b)
{
	assert_true(a.rank >= 1 && a.rank <= 3 && b.rank >= 1 && b.rank <= 3);
	/* as [batch, rows, cols], a 1-D a a row and a 1-D b a column */
	int64_t ab = a.rank == 3 ? a.dim[0] : 1, bb = b.rank == 3 ? b.dim[0] : 1;
	int64_t m = a.rank == 1 ? 1 : a.dim[a.rank - 2], k = a.dim[a.rank - 1];
	int64_t kb = b.rank == 1 ? b.dim[0] : b.dim[b.rank - 2], n = b.rank == 1 ? 1 : b.dim[b.rank - 1];
	if (k != kb || (ab != bb && ab != 1 && bb != 1))
		fail_msg("reference: matmul shapes do not fit");
	int64_t batch = ab > bb ? ab : bb, dim[3];
	int rank = 0;
	if (a.rank == 3 || b.rank == 3)
		dim[rank++] = batch;
	if (a.rank > 1)
		dim[rank++] = m;
	if (b.rank > 1)
		dim[rank++] = n;
	Arr y = arr_new(rank, dim);
	for (int64_t t = 0; t < batch; t++) {
		const double *pa = a.p + (ab == 1 ? 0 : t * m * k);
		const double *pb = b.p + (bb == 1 ? 0 : t * k * n);
		for (int64_t i = 0; i < m; i++)
			for (int64_t j = 0; j < n; j++) {
				double s = 0;
				for (int64_t l = 0; l < k; l++)
					s += pa[i * k + l] * pb[l * n + j];
				y.p[(t * m + i) * n + j] = s;
			}
	}
	return y;
}

Arr ref_transpose(Arr x)
{
	assert_true(x.rank >= 2);
	int64_t dim[MAX_RANK];
	memcpy(dim, x.dim, sizeof dim);
	int64_t rows = x.dim[x.rank - 2], cols = x.dim[x.rank - 1];
	dim[x.rank - 2] = cols;
	dim[x.rank - 1] = rows;
	Arr y = arr_new(x.rank, dim);
	for (int64_t b = 0; b < x.n / (rows * cols); b++)
		for (int64_t i = 0; i < rows; i++)
			for (int64_t j = 0; j < cols; j++)
				y.p[b * rows * cols + j * rows + i] = x.p[b * rows * cols + i * cols + j];
	return y;
}

Arr ref_reshape(Arr x, int rank, const int64_t *dim)
{
	Arr y = arr_new(rank, dim);
	if (y.n != x.n)
		fail_msg("reference: reshape of %lld elements to %lld", (long long)x.n, (long long)y.n);
	memcpy(y.p, x.p, sizeof *y.p * (size_t)x.n);
	return y;
}

Arr ref_onehot(const int32_t *labels, int64_t n, int64_t classes)
{
	int64_t dim[2] = { n, classes };
	Arr y = arr_new(2, dim);
	for (int64_t i = 0; i < n; i++) {
		assert_true(labels[i] >= 0 && labels[i] < classes);
		y.p[i * classes + labels[i]] = 1;
	}
	return y;
}

Arr ref_cross_entropy(Arr logits, const int32_t *labels)
{
	assert_int_equal(logits.rank, 2);
	int64_t n = logits.dim[0], c = logits.dim[1];
	Arr lse = ref_along(R_LOGSUMEXP, logits, 1, false);
	double s = 0;
	for (int64_t i = 0; i < n; i++) {
		assert_true(labels[i] >= 0 && labels[i] < c);
		s += lse.p[i] - logits.p[i * c + labels[i]];
	}
	return arr_scalar(s / (double)n);
}
