/* emit_blas.c: --blas. A matmul kernel whose product is large becomes a call to cblas_sgemm or
 * cblas_dgemm (row-major; a transposed operand is CblasTrans, so nothing is copied), followed by
 * the kernel's epilogue over the finished product. A batched product (3-D) is one call per batch;
 * an operand without a batch dim, or with a batch of 1, is the same matrix in every call.
 *
 * Large means M * N * K >= BLAS_MIN_WORK (64^3) multiply-adds per call: below that the call's
 * own overhead (argument checks, OpenBLAS's dispatch and its threads) costs about what the
 * generated loops take, and results stay those of the plain C. When M, N and K are numbers the
 * choice is made here; when one is a size name it is made at run time, by an `if` around the
 * call whose else branch is the C kernel. CBLAS takes int sizes: a product with a dim beyond
 * INT_MAX is always computed in C.
 */
#include <limits.h>

#include "emit_internal.h"

enum { BLAS_MIN_WORK = 64 * 64 * 64 };

typedef enum BlasUse { BLAS_NEVER, BLAS_ALWAYS, BLAS_AT_RUN_TIME } BlasUse;

/* M, N and K of matmul n: C[M, N] = op(A)[M, K] op(B)[K, N]. */
static void mm_dims(const Graph *g, const Node *n, Dim *M, Dim *N, Dim *K)
{
	const Node *a = &g->node[n->src[0]], *b = &g->node[n->src[1]];
	bool ta = n->attr.mm.ta, tb = n->attr.mm.tb;
	const Dim *ad = &a->shape.dim[a->shape.rank - 2], *bd = &b->shape.dim[b->shape.rank - 2];
	*M = ad[ta ? 1 : 0];
	*K = ad[ta ? 0 : 1];
	*N = bd[tb ? 0 : 1];
}

static BlasUse blas_use(const EmitOptions *opt, const Graph *g, const Node *n)
{
	if (!opt->blas || n->op != OP_MATMUL)
		return BLAS_NEVER;
	Dim d[3];
	mm_dims(g, n, &d[0], &d[1], &d[2]);
	bool fixed = true;
	for (int i = 0; i < 3; i++) {
		if (!dim_is_const(&d[i]))
			fixed = false;
		else if (d[i].coef > INT_MAX)
			return BLAS_NEVER;
	}
	if (!fixed)
		return BLAS_AT_RUN_TIME;
	double work = (double)d[0].coef * (double)d[1].coef * (double)d[2].coef;
	return work >= BLAS_MIN_WORK ? BLAS_ALWAYS : BLAS_NEVER;
}

bool blas_graph_calls(const Graph *g, const EmitOptions *opt)
{
	for (int i = 0; i < g->nnodes; i++)
		if (blas_use(opt, g, &g->node[i]) != BLAS_NEVER)
			return true;
	return false;
}

/* The run-time condition: every dim with a size name fits an int, and the product is large,
 * counted in double, which cannot overflow. */
static const char *run_time_condition(Emit *e, const Dim *d)
{
	Str s = { 0 }, work = { 0 };
	int64_t fixed = 1;
	for (int i = 0; i < 3; i++) {
		if (dim_is_const(&d[i])) {
			fixed *= d[i].coef;
			continue;
		}
		str_add(&s, "%s <= INT_MAX && ", dim_c(e, d[i]));
		str_add(&work, "%s(double)(%s)", work.len ? " * " : "", dim_c(e, d[i]));
	}
	if (fixed > 1)
		str_add(&work, " * %lld", (long long)fixed);
	str_add(&s, "%s >= %d", str_get(&work), BLAS_MIN_WORK);
	return str_get(&s);
}

/* An int argument: a number, or an int64_t size known to fit (the condition checked it). */
static const char *int_arg(Emit *e, Dim d)
{
	return dim_is_const(&d) ? dim_c(e, d) : arena_printf("(int)(%s)", dim_c(e, d));
}

static void emit_gemm(Emit *e, const Kernel *k)
{
	const Graph *g = e->g;
	const Node *n = &g->node[k->node[0]];
	const Node *a = &g->node[n->src[0]], *b = &g->node[n->src[1]];
	bool ta = n->attr.mm.ta, tb = n->attr.mm.tb;
	Dim M, N, K;
	mm_dims(g, n, &M, &N, &K);
	const char *A = kread(e, n->src[0]), *B = kread(e, n->src[1]), *C = kwrite(e, k->acc);
	const char *sMK = dim_c(e, dim_mul(M, K)), *sKN = dim_c(e, dim_mul(K, N));
	const char *sMN = dim_c(e, dim_mul(M, N));
	bool batched = n->shape.rank == 3 && !dim_is_one(&n->shape.dim[0]);
	if (batched) {
		/* operands without a batch dim, or with a batch of 1, are shared by every batch */
		bool ab = a->shape.rank == 3 && !dim_is_one(&a->shape.dim[0]);
		bool bb = b->shape.rank == 3 && !dim_is_one(&b->shape.dim[0]);
		line(e, "for (int64_t i3 = 0; i3 < %s; i3++)", dim_c(e, n->shape.dim[0]));
		A = ab ? arena_printf("%s + i3 * %s", A, sMK) : A;
		B = bb ? arena_printf("%s + i3 * %s", B, sKN) : B;
		C = arena_printf("%s + i3 * %s", C, sMN);
	}
	/* row-major leading dims: the length of a stored row of each operand */
	const char *lda = int_arg(e, ta ? M : K), *ldb = int_arg(e, tb ? K : N);
	line(e, "%scblas_%cgemm(CblasRowMajor, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s);",
	     batched ? "\t" : "", g->real == T_F64 ? 'd' : 's', ta ? "CblasTrans" : "CblasNoTrans",
	     tb ? "CblasTrans" : "CblasNoTrans", int_arg(e, M), int_arg(e, N), int_arg(e, K),
	     literal(e, 1), A, lda, B, ldb, literal(e, 0), C, int_arg(e, N));
	if (k->nnodes > 1)
		emit_epilogue(e, k, false);
}

bool emit_blas_matmul(Emit *e, const Kernel *k)
{
	const Node *n = &e->g->node[k->node[0]];
	switch (blas_use(e->opt, e->g, n)) {
	case BLAS_NEVER:
		return false;
	case BLAS_ALWAYS:
		line(e, "/* CBLAS (--blas): the product is above the threshold */");
		emit_gemm(e, k);
		return true;
	case BLAS_AT_RUN_TIME:
		break;
	}
	Dim d[3];
	mm_dims(e->g, n, &d[0], &d[1], &d[2]);
	line(e, "if (%s) { /* CBLAS (--blas) when the product is large */", run_time_condition(e, d));
	e->depth++;
	emit_gemm(e, k);
	e->depth--;
	line(e, "} else {");
	e->depth++;
	return false;
}

void emit_blas_matmul_end(Emit *e, const Kernel *k)
{
	if (blas_use(e->opt, e->g, &e->g->node[k->node[0]]) == BLAS_AT_RUN_TIME)
		close_blocks(e, 1);
}
