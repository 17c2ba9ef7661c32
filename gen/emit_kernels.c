/* emit_kernels.c: the kernels that are neither plain loops nor matmuls (emit_matmul.c): softmax,
 * log_softmax and logsumexp along an axis, transpose, and cross-entropy. Each reads and writes
 * buffers through kread()/kwrite(), which also collect the kernel's parameters. */
#include <string.h>

#include "emit_internal.h"

static const char *kbuf(Emit *e, int node, bool write)
{
	int b = e->s->buf_of[node];
	if (b < 0)
		unreachable("a kernel reads a value that has no buffer");
	if (e->s->buf[b].kind == BUF_VIEW)
		b = e->s->buf[b].base;
	int i = 0;
	while (i < e->nkp && e->kp[i].buf != b)
		i++;
	if (i == e->nkp)
		ARRAY_PUSH(e->kp, e->nkp, e->capkp, ((KParam){ b, false }));
	e->kp[i].write |= write;
	return buf_name(e, b);
}

const char *kread(Emit *e, int node)
{
	return kbuf(e, node, false);
}

const char *kwrite(Emit *e, int node)
{
	return kbuf(e, node, true);
}

/* ---- along one axis ---- */

/* Splits a shape around one axis: outer dims, the axis, inner dims. */
static void around_axis(const Shape *s, int axis, Dim *outer, Dim *len, Dim *inner)
{
	*outer = dim_int(1);
	*inner = dim_int(1);
	for (int d = 0; d < axis; d++)
		*outer = dim_mul(*outer, s->dim[d]);
	for (int d = axis + 1; d < s->rank; d++)
		*inner = dim_mul(*inner, s->dim[d]);
	*len = s->dim[axis];
}

/* "i0 * a + i1 * b + i2" for the loops that exist. */
static const char *axis_index(Emit *e, bool has_outer, Dim len, Dim inner, bool has_inner,
                              bool along)
{
	Dim row = dim_mul(len, inner);
	char *s = "";
	if (has_outer)
		s = dim_is_one(&row) ? "i0" : arena_printf("i0 * %s", dim_c(e, along ? row : inner));
	if (along)
		s = arena_printf("%s%si1%s%s", s, *s ? " + " : "", dim_is_one(&inner) ? "" : " * ",
		                 dim_is_one(&inner) ? "" : dim_c(e, inner));
	if (has_inner)
		s = arena_printf("%s%si2", s, *s ? " + " : "");
	return *s ? s : "0";
}

void emit_axis_kernel(Emit *e, const Kernel *k)
{
	int id = k->node[0];
	const Node *n = &e->g->node[id];
	int x = n->src[0];
	Dim outer, len, inner;
	around_axis(&e->g->node[x].shape, n->attr.along.axis, &outer, &len, &inner);
	bool ho = !dim_is_one(&outer), hi = !dim_is_one(&inner);
	const char *xi = arena_printf("%s[%s]", kread(e, x), axis_index(e, ho, len, inner, hi, true));
	int loops = 0;
	if (ho || hi) /* rows (or columns) are independent */
		emit_omp_for(e, shape_count(&e->g->node[x].shape));
	if (ho) {
		line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", dim_c(e, outer));
		e->depth++, loops++;
	}
	if (hi) {
		line(e, "for (int64_t i2 = 0; i2 < %s; i2++) {", dim_c(e, inner));
		e->depth++, loops++;
	}
	if (!loops) {
		open_block(e);
		loops++;
	}
	const char *L = dim_c(e, len);
	line(e, "%s mx = -INFINITY, sm = 0;", e->T);
	line(e, "for (int64_t i1 = 0; i1 < %s; i1++)", L);
	line(e, "\tmx = %s > mx ? %s : mx;", xi, xi);
	line(e, "if (isinf(mx))");
	line(e, "\tmx = 0; /* all -inf (or an inf): keep inf - inf from making NaN */");
	line(e, "for (int64_t i1 = 0; i1 < %s; i1++)", L);
	line(e, "\tsm += %s(%s - mx);", math_fn(e, "exp", 3), xi);
	const char *y = kwrite(e, id);
	if (n->op == OP_SOFTMAX) {
		line(e, "for (int64_t i1 = 0; i1 < %s; i1++)", L);
		line(e, "\t%s[%s] = %s(%s - mx) / sm;", y, axis_index(e, ho, len, inner, hi, true),
		     math_fn(e, "exp", 3), xi);
	} else if (n->op == OP_LOG_SOFTMAX) {
		line(e, "%s lse = %s(sm);", e->T, math_fn(e, "log", 3));
		line(e, "for (int64_t i1 = 0; i1 < %s; i1++)", L);
		line(e, "\t%s[%s] = %s - mx - lse;", y, axis_index(e, ho, len, inner, hi, true), xi);
	} else {
		line(e, "%s[%s] = mx + %s(sm);", y, axis_index(e, ho, len, inner, hi, false),
		     math_fn(e, "log", 3));
	}
	close_blocks(e, loops);
}

/* ---- transpose and labels ---- */

static void emit_transpose(Emit *e, int id)
{
	const Node *n = &e->g->node[id];
	const Shape *s = &e->g->node[n->src[0]].shape;
	Dim batch = dim_int(1);
	for (int d = 0; d < s->rank - 2; d++)
		batch = dim_mul(batch, s->dim[d]);
	const char *R = dim_c(e, s->dim[s->rank - 2]), *C = dim_c(e, s->dim[s->rank - 1]);
	const char *x = kread(e, n->src[0]), *y = kwrite(e, id);
	bool hb = !dim_is_one(&batch);
	const char *base = hb ? arena_printf("i2 * %s * %s + ", R, C) : "";
	emit_omp_for(e, shape_count(s));
	if (hb) {
		line(e, "for (int64_t i2 = 0; i2 < %s; i2++) {", dim_c(e, batch));
		e->depth++;
	}
	line(e, "for (int64_t i0 = 0; i0 < %s; i0++)", C);
	line(e, "\tfor (int64_t i1 = 0; i1 < %s; i1++)", R);
	line(e, "\t\t%s[%si0 * %s + i1] = %s[%si1 * %s + i0];", y, base, R, x, base, C);
	if (hb)
		close_blocks(e, 1);
}

/* The mean over rows of -log softmax(logits)[label]: one pass per row for its statistics. */
static void emit_cross_entropy(Emit *e, int id)
{
	const Node *n = &e->g->node[id];
	const char *T = e->T;
	const Shape *ls = &e->g->node[n->src[0]].shape;
	const char *N = dim_c(e, ls->dim[0]), *C = dim_c(e, ls->dim[1]);
	const char *x = kread(e, n->src[0]), *y = kread(e, n->src[1]);
	line(e, "%s acc = 0;", T);
	line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", N);
	line(e, "\tconst %s *row = %s + i0 * %s;", T, x, C);
	line(e, "\t%s mx = -INFINITY, sm = 0;", T);
	line(e, "\tfor (int64_t i1 = 0; i1 < %s; i1++)", C);
	line(e, "\t\tmx = row[i1] > mx ? row[i1] : mx;");
	line(e, "\tif (isinf(mx))");
	line(e, "\t\tmx = 0;");
	line(e, "\tfor (int64_t i1 = 0; i1 < %s; i1++)", C);
	line(e, "\t\tsm += %s(row[i1] - mx);", math_fn(e, "exp", 3));
	line(e, "\tint32_t lab = %s[i0];", y);
	line(e, "\tacc += lab >= 0 && lab < %s ? (mx - row[lab]) + %s(sm) : NAN;", C,
	     math_fn(e, "log", 3));
	line(e, "}");
	line(e, "%s[0] = acc / (%s)(%s);", kwrite(e, id), T, N);
}

/* -mean of logprobs[i, y[i]]: cross_entropy once the optimizer shares log_softmax. */
static void emit_nll(Emit *e, int id)
{
	const Node *n = &e->g->node[id];
	const Shape *ls = &e->g->node[n->src[0]].shape;
	const char *N = dim_c(e, ls->dim[0]), *C = dim_c(e, ls->dim[1]);
	const char *x = kread(e, n->src[0]), *y = kread(e, n->src[1]);
	line(e, "%s acc = 0;", e->T);
	line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", N);
	line(e, "\tint32_t lab = %s[i0];", y);
	line(e, "\tacc += lab >= 0 && lab < %s ? -%s[i0 * %s + lab] : NAN;", C, x, C);
	line(e, "}");
	line(e, "%s[0] = acc / (%s)(%s);", kwrite(e, id), e->T, N);
}

void emit_other_kernel(Emit *e, const Kernel *k)
{
	int id = k->node[0];
	switch (e->g->node[id].op) {
	case OP_TRANSPOSE: emit_transpose(e, id); return;
	case OP_CROSS_ENTROPY: emit_cross_entropy(e, id); return;
	case OP_NLL: emit_nll(e, id); return;
	default: break;
	}
	unreachable("a kernel of an op without code");
}
