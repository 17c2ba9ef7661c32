/* emit_matmul.c: matmul kernels (with their epilogue). Small products are plain loops that gcc
 * vectorizes along rows of C; large ones call morch_gemm_f / morch_gemm_d, written once per
 * generated file: the GotoBLAS/BLIS scheme, with B packed by KC x NC blocks into panels of NR
 * columns, A by MC x KC blocks into panels of MR rows, and a micro-kernel that keeps an MR x NR
 * tile of C in local accumulators with constant bounds, so the compiler keeps it in vector
 * registers. The panels live in a scratch buffer of the workspace (schedule.c sizes it). */
#include <string.h>

#include "emit_internal.h"

/* ---- the support code, once per file and element type ---- */

/* @T is the element type, @s its suffix (f, d), @R the widest NR for the type, @U what marks
 * morch_gemm maybe unused (with --blas, every call may have become a CBLAS one); "@" lines are
 * only written with --openmp. */
static const char *const gemm_text[] = {
	"",
	"/* ---- packed matrix product, @T ----",
	" * C = A B for A (M x K) read at A[i * ars + p * acs] and B (K x N) at B[p * brs + j * bcs],",
	" * so one routine serves every transposed variant. B is packed by blocks of KC x NC into",
	" * panels of NR columns, A by blocks of MC x KC into panels of MR rows, zero-padded at the",
	" * edges; the micro-kernel keeps an MR x NR tile of C in local accumulators (registers).",
	" * NR is two vectors of the target; `pack` holds both blocks (G_workspace_bytes counts it). */",
	"#if defined(__AVX512F__)",
	"#define MORCH_VL_@s (@R / 2)",
	"#elif defined(__AVX__)",
	"#define MORCH_VL_@s (@R / 4)",
	"#else",
	"#define MORCH_VL_@s (@R / 8)",
	"#endif",
	"#define MORCH_NR_@s (2 * MORCH_VL_@s)",
	"#if defined(__FMA__)",
	"#define MORCH_FMA_@s(a, b, c) fma@f(a, b, c)",
	"#else",
	"#define MORCH_FMA_@s(a, b, c) ((a) * (b) + (c))",
	"#endif",
	"",
	"static void morch_pack_b_@s(int64_t kc, int64_t nc, const @T *restrict b, int64_t rs,",
	"                           int64_t cs, @T *restrict to)",
	"{",
	"@\tMORCH_OMP_FOR_IF(kc * nc >= MORCH_OMP_MIN / 64)",
	"\tfor (int64_t jr = 0; jr < nc; jr += MORCH_NR_@s) {",
	"\t\tconst int64_t nr = nc - jr < MORCH_NR_@s ? nc - jr : MORCH_NR_@s;",
	"\t\t@T *restrict panel = to + jr * kc;",
	"\t\tif (nr == MORCH_NR_@s && cs == 1) {",
	"\t\t\tfor (int64_t p = 0; p < kc; p++)",
	"\t\t\t\tfor (int j = 0; j < MORCH_NR_@s; j++)",
	"\t\t\t\t\tpanel[p * MORCH_NR_@s + j] = b[p * rs + jr + j];",
	"\t\t} else {",
	"\t\t\tfor (int j = 0; j < MORCH_NR_@s; j++)",
	"\t\t\t\tfor (int64_t p = 0; p < kc; p++)",
	"\t\t\t\t\tpanel[p * MORCH_NR_@s + j] = j < nr ? b[p * rs + (jr + j) * cs] : 0;",
	"\t\t}",
	"\t}",
	"}",
	"",
	"static void morch_pack_a_@s(int64_t mc, int64_t kc, const @T *restrict a, int64_t rs,",
	"                           int64_t cs, @T *restrict to)",
	"{",
	"\tfor (int64_t ir = 0; ir < mc; ir += MORCH_MR) {",
	"\t\tconst int64_t mr = mc - ir < MORCH_MR ? mc - ir : MORCH_MR;",
	"\t\t@T *restrict panel = to + ir * kc;",
	"\t\tif (mr == MORCH_MR && rs == 1) {",
	"\t\t\tfor (int64_t p = 0; p < kc; p++)",
	"\t\t\t\tfor (int i = 0; i < MORCH_MR; i++)",
	"\t\t\t\t\tpanel[p * MORCH_MR + i] = a[p * cs + ir + i];",
	"\t\t} else {",
	"\t\t\tfor (int i = 0; i < MORCH_MR; i++)",
	"\t\t\t\tfor (int64_t p = 0; p < kc; p++)",
	"\t\t\t\t\tpanel[p * MORCH_MR + i] = i < mr ? a[(ir + i) * rs + p * cs] : 0;",
	"\t\t}",
	"\t}",
	"}",
	"",
	"/* The mr x nr corner of C (ldc apart) = (add ? C : 0) + a panel of A times a panel of B.",
	" * Row i of the tile is two vectors, ci and di, each a named array indexed by the inner loop",
	" * alone: once vectorized it is one register, even at -O2, where gcc unrolls nothing. */",
	"static void morch_tile_@s(int64_t kc, const @T *restrict a, const @T *restrict b,",
	"                         @T *restrict c, int64_t ldc, int64_t mr, int64_t nr, int add)",
	"{",
	"\t@T c0[MORCH_VL_@s] = { 0 }, c1[MORCH_VL_@s] = { 0 }, c2[MORCH_VL_@s] = { 0 };",
	"\t@T c3[MORCH_VL_@s] = { 0 }, c4[MORCH_VL_@s] = { 0 }, c5[MORCH_VL_@s] = { 0 };",
	"\t@T d0[MORCH_VL_@s] = { 0 }, d1[MORCH_VL_@s] = { 0 }, d2[MORCH_VL_@s] = { 0 };",
	"\t@T d3[MORCH_VL_@s] = { 0 }, d4[MORCH_VL_@s] = { 0 }, d5[MORCH_VL_@s] = { 0 };",
	"\tfor (int64_t p = 0; p < kc; p++) {",
	"\t\tconst @T *restrict ap = a + p * MORCH_MR, *restrict bp = b + p * MORCH_NR_@s;",
	"\t\tfor (int j = 0; j < MORCH_VL_@s; j++) {",
	"\t\t\tc0[j] = MORCH_FMA_@s(ap[0], bp[j], c0[j]);",
	"\t\t\td0[j] = MORCH_FMA_@s(ap[0], bp[MORCH_VL_@s + j], d0[j]);",
	"\t\t\tc1[j] = MORCH_FMA_@s(ap[1], bp[j], c1[j]);",
	"\t\t\td1[j] = MORCH_FMA_@s(ap[1], bp[MORCH_VL_@s + j], d1[j]);",
	"\t\t\tc2[j] = MORCH_FMA_@s(ap[2], bp[j], c2[j]);",
	"\t\t\td2[j] = MORCH_FMA_@s(ap[2], bp[MORCH_VL_@s + j], d2[j]);",
	"\t\t\tc3[j] = MORCH_FMA_@s(ap[3], bp[j], c3[j]);",
	"\t\t\td3[j] = MORCH_FMA_@s(ap[3], bp[MORCH_VL_@s + j], d3[j]);",
	"#if MORCH_MR > 4",
	"\t\t\tc4[j] = MORCH_FMA_@s(ap[4], bp[j], c4[j]);",
	"\t\t\td4[j] = MORCH_FMA_@s(ap[4], bp[MORCH_VL_@s + j], d4[j]);",
	"\t\t\tc5[j] = MORCH_FMA_@s(ap[5], bp[j], c5[j]);",
	"\t\t\td5[j] = MORCH_FMA_@s(ap[5], bp[MORCH_VL_@s + j], d5[j]);",
	"#endif",
	"\t\t}",
	"\t}",
	"\tconst @T *const row[6][2] = { { c0, d0 }, { c1, d1 }, { c2, d2 },",
	"\t                              { c3, d3 }, { c4, d4 }, { c5, d5 } };",
	"\tfor (int64_t i = 0; i < mr; i++) {",
	"\t\t@T *restrict ci = c + i * ldc;",
	"\t\tif (nr == MORCH_NR_@s) {",
	"\t\t\tfor (int j = 0; j < MORCH_VL_@s; j++) {",
	"\t\t\t\tci[j] = add ? ci[j] + row[i][0][j] : row[i][0][j];",
	"\t\t\t\tci[MORCH_VL_@s + j] = add ? ci[MORCH_VL_@s + j] + row[i][1][j] : row[i][1][j];",
	"\t\t\t}",
	"\t\t} else {",
	"\t\t\tfor (int64_t j = 0; j < nr; j++) {",
	"\t\t\t\tconst @T v = j < MORCH_VL_@s ? row[i][0][j] : row[i][1][j - MORCH_VL_@s];",
	"\t\t\t\tci[j] = add ? ci[j] + v : v;",
	"\t\t\t}",
	"\t\t}",
	"\t}",
	"}",
	"",
	"/* C (M x N, dense) = A B. Each element of C is summed in the same order whatever the",
	" * number of threads: they split the tiles of a block, never a sum. */",
	"static @UMORCH_NOINLINE void morch_gemm_@s(int64_t M, int64_t N, int64_t K,",
	"                                        const @T *a, int64_t ars, int64_t acs,",
	"                                        const @T *b, int64_t brs, int64_t bcs,",
	"                                        @T *restrict c, @T *restrict pack)",
	"{",
	"\tconst int64_t kmax = K < MORCH_KC ? K : MORCH_KC, nmax = N < MORCH_NC ? N : MORCH_NC;",
	"\t@T *restrict bp = pack;",
	"\t@T *restrict ap = pack + kmax * ((nmax + MORCH_NR_@s - 1) / MORCH_NR_@s * MORCH_NR_@s);",
	"\tfor (int64_t jc = 0; jc < N; jc += MORCH_NC) {",
	"\t\tconst int64_t nc = N - jc < MORCH_NC ? N - jc : MORCH_NC;",
	"\t\tfor (int64_t pc = 0; pc < K; pc += MORCH_KC) {",
	"\t\t\tconst int64_t kc = K - pc < MORCH_KC ? K - pc : MORCH_KC;",
	"\t\t\tmorch_pack_b_@s(kc, nc, b + pc * brs + jc * bcs, brs, bcs, bp);",
	"\t\t\tfor (int64_t ic = 0; ic < M; ic += MORCH_MC) {",
	"\t\t\t\tconst int64_t mc = M - ic < MORCH_MC ? M - ic : MORCH_MC;",
	"\t\t\t\tmorch_pack_a_@s(mc, kc, a + ic * ars + pc * acs, ars, acs, ap);",
	"@\t\t\t\tMORCH_OMP_FOR_IF(mc * nc * kc >= MORCH_OMP_MIN)",
	"\t\t\t\tfor (int64_t jr = 0; jr < nc; jr += MORCH_NR_@s)",
	"\t\t\t\t\tfor (int64_t ir = 0; ir < mc; ir += MORCH_MR)",
	"\t\t\t\t\t\tmorch_tile_@s(kc, ap + ir * kc, bp + jr * kc, c + (ic + ir) * N + jc + jr, N,",
	"\t\t\t\t\t\t             mc - ir < MORCH_MR ? mc - ir : MORCH_MR,",
	"\t\t\t\t\t\t             nc - jr < MORCH_NR_@s ? nc - jr : MORCH_NR_@s, pc > 0);",
	"\t\t\t}",
	"\t\t}",
	"\t}",
	"}",
	NULL
};

static void emit_blocking(FILE *f, bool openmp, bool blas)
{
	if (blas)
		fprintf(f, "\n#if defined(__GNUC__)\n#define MORCH_MAYBE_UNUSED __attribute__((unused))\n"
		           "#else\n#define MORCH_MAYBE_UNUSED\n#endif\n");
	fprintf(f, "\n/* Blocking of the packed matrix product (sized for the workspace by morchgen). */\n");
	fprintf(f, "#if defined(__AVX__)\n#define MORCH_MR 6\n#else /* 16 registers, no FMA */\n"
	           "#define MORCH_MR 4\n#endif\n");
	fprintf(f, "enum { MORCH_KC = %d, MORCH_MC = %d, MORCH_NC = %d };\n", MM_KC, MM_MC, MM_NC);
	if (!openmp)
		return;
	/* MORCH_OMP_FOR_IF is the --openmp prelude's (emit_omp.c) */
	fprintf(f, "/* Threads split a block's tiles when it has this many multiply-adds. */\n"
	           "#define MORCH_OMP_MIN ((int64_t)1 << 18)\n");
}

static void emit_gemm(FILE *f, DType t, bool openmp, bool blas)
{
	const char *T = t == T_F64 ? "double" : "float", *s = t == T_F64 ? "d" : "f";
	const char *fn = t == T_F64 ? "" : "f";
	int R = t == T_F64 ? MM_NR_MAX_F64 : MM_NR_MAX_F32;
	for (int i = 0; gemm_text[i]; i++) {
		const char *c = gemm_text[i];
		if (*c == '@') {
			if (!openmp)
				continue;
			c++;
		}
		for (; *c; c++) {
			if (*c != '@') {
				fputc(*c, f);
				continue;
			}
			c++;
			if (*c == 'T')
				fputs(T, f);
			else if (*c == 's')
				fputs(s, f);
			else if (*c == 'f')
				fputs(fn, f);
			else if (*c == 'R')
				fprintf(f, "%d", R);
			else if (*c == 'U')
				fputs(blas ? "MORCH_MAYBE_UNUSED " : "", f);
			else
				unreachable("a bad gemm_text escape");
		}
		fputc('\n', f);
	}
}

/* Whether some function of the graph calls morch_gemm: only then is it written (an unused
 * static function is a warning). */
static bool graph_packs(Schedule *const *s, int n)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < s[i]->nk; k++)
			if (s[i]->k[k].kind == KER_MATMUL && s[i]->k[k].scratch >= 0)
				return true;
	return false;
}

void emit_matmul_support(FILE *f, const EmitOptions *opt, Schedule *const *s, int n, DType t,
                         bool *written)
{
	if (!graph_packs(s, n) || written[t == T_F64])
		return;
	if (!written[0] && !written[1])
		emit_blocking(f, opt->openmp, opt->blas);
	written[t == T_F64] = true;
	emit_gemm(f, t, opt->openmp, opt->blas);
}

/* ---- the loops of small products ---- */

/* Row i0 of C += A(i0, i2) * row i2 of B (at column stride bcs): the body of the row loops. */
static void row_update(Emit *e, const char *aik, const char *B, const char *bj, const char *C,
                       const char *N)
{
	line(e, "const %s av = %s;", e->T, aik);
	line(e, "for (int64_t i1 = 0; i1 < %s; i1++)", N);
	line(e, "\t%s[i0 * %s + i1] += av * %s[%s];", C, N, B, bj);
}

/* C[i0, i1] = row i0 of A . row i1 of B, in LANES partial sums so that it vectorizes without
 * reassociating (short rows: one sum). */
enum { LANES = 16 };
static void row_dots(Emit *e, const char *A, const char *B, const char *C, const char *N,
                     Dim Kd)
{
	const char *K = dim_c(e, Kd);
	line(e, "for (int64_t i1 = 0; i1 < %s; i1++) {", N);
	e->depth++;
	line(e, "const %s *restrict r0 = %s + i0 * %s, *restrict r1 = %s + i1 * %s;", e->T, A, K, B,
	     K);
	line(e, "%s acc = 0;", e->T);
	line(e, "int64_t i2 = 0;");
	if (!dim_is_const(&Kd) || Kd.coef >= LANES) {
		line(e, "%s lane[%d] = { 0 };", e->T, LANES);
		line(e, "for (; i2 + %d <= %s; i2 += %d)", LANES, K, LANES);
		line(e, "\tfor (int j = 0; j < %d; j++)", LANES);
		line(e, "\t\tlane[j] += r0[i2 + j] * r1[i2 + j];");
		line(e, "for (int j = 0; j < %d; j++)", LANES);
		line(e, "\tacc += lane[j];");
	}
	line(e, "for (; i2 < %s; i2++)", K);
	line(e, "\tacc += r0[i2] * r1[i2];");
	line(e, "%s[i0 * %s + i1] = acc;", C, N);
	close_blocks(e, 1);
}

typedef struct Operands {
	const char *A, *B, *C, *M, *N, *K;
	Dim Md, Nd, Kd;
	bool ta, tb;
} Operands;

static void emit_loops(Emit *e, const Kernel *k, const Operands *o)
{
	bool epilogue = k->nnodes > 1;
	const char *A = o->A, *B = o->B, *C = o->C, *M = o->M, *N = o->N, *K = o->K;
	const char *aik = o->ta ? arena_printf("%s[i2 * %s + i0]", A, M)
	                        : arena_printf("%s[i0 * %s + i2]", A, K);
	if (o->ta && !o->tb) { /* k, i, j: A is read along its rows too */
		line(e, "for (int64_t i0 = 0; i0 < %s; i0++)", dim_c(e, dim_mul(o->Md, o->Nd)));
		line(e, "\t%s[i0] = 0;", C);
		line(e, "for (int64_t i2 = 0; i2 < %s; i2++) {", K);
		e->depth++;
		line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", M);
		e->depth++;
		row_update(e, aik, B, arena_printf("i2 * %s + i1", N), C, N);
		close_blocks(e, 2);
		if (epilogue)
			emit_epilogue(e, k, false);
		return;
	}
	line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", M);
	e->depth++;
	if (o->tb && !o->ta) { /* rows of A and B are both contiguous: dot products */
		row_dots(e, A, B, C, N, o->Kd);
	} else { /* i, k, j: the inner loop runs along rows of C (and of B, or down its columns) */
		line(e, "for (int64_t i1 = 0; i1 < %s; i1++)", N);
		line(e, "\t%s[i0 * %s + i1] = 0;", C, N);
		line(e, "for (int64_t i2 = 0; i2 < %s; i2++) {", K);
		e->depth++;
		row_update(e, aik, B,
		           o->tb ? arena_printf("i1 * %s + i2", K) : arena_printf("i2 * %s + i1", N), C,
		           N);
		close_blocks(e, 1);
	}
	if (epilogue)
		emit_epilogue(e, k, true);
	close_blocks(e, 1);
}

/* ---- the kernel ---- */

/* The product for one batch: loops, a call of morch_gemm, or either by the sizes. */
static void emit_product(Emit *e, const Kernel *k, const Operands *o, MatmulPath path,
                         const char *pack)
{
	if (path == MM_EITHER) {
		line(e, "if (%s < 4 || %s < 4 || %s < 4 || (double)%s * %s * %s < %d) {", o->M, o->N,
		     o->K, o->M, o->N, o->K, MM_SMALL);
		e->depth++;
		emit_loops(e, k, o);
		e->depth--;
		line(e, "} else {");
		e->depth++;
	}
	if (path == MM_LOOPS) {
		emit_loops(e, k, o);
		return;
	}
	const char *s = e->g->real == T_F64 ? "d" : "f";
	line(e, "morch_gemm_%s(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s);", s, o->M, o->N, o->K,
	     o->A, o->ta ? "1" : o->K, o->ta ? o->M : "1", o->B, o->tb ? "1" : o->N,
	     o->tb ? o->K : "1", o->C, pack);
	if (k->nnodes > 1)
		emit_epilogue(e, k, false);
	if (path == MM_EITHER)
		close_blocks(e, 1);
}

void emit_matmul_kernel(Emit *e, const Kernel *k)
{
	const char *pack = NULL;
	if (k->scratch >= 0) { /* a parameter also when --blas leaves it unused */
		int i = e->nkp;
		ARRAY_PUSH(e->kp, e->nkp, e->capkp, ((KParam){ k->scratch, true }));
		pack = buf_name(e, e->kp[i].buf);
	}
	if (emit_blas_matmul(e, k)) {
		if (pack)
			line(e, "(void)%s;", pack);
		return;
	}
	const Graph *g = e->g;
	const Node *n = &g->node[k->node[0]];
	const Node *a = &g->node[n->src[0]], *b = &g->node[n->src[1]];
	Operands o;
	o.ta = n->attr.mm.ta, o.tb = n->attr.mm.tb;
	const Dim *ad = &a->shape.dim[a->shape.rank - 2], *bd = &b->shape.dim[b->shape.rank - 2];
	o.Md = ad[o.ta ? 1 : 0], o.Kd = ad[o.ta ? 0 : 1], o.Nd = bd[o.tb ? 0 : 1];
	o.M = dim_c(e, o.Md), o.K = dim_c(e, o.Kd), o.N = dim_c(e, o.Nd);
	o.A = kread(e, n->src[0]), o.B = kread(e, n->src[1]), o.C = kwrite(e, k->acc);
	Dim size;
	MatmulPath path = matmul_path(g, k->node[0], &size);
	if (path != MM_LOOPS && !pack)
		unreachable("a packed matmul without scratch");
	bool batched = n->shape.rank == 3 && !dim_is_one(&n->shape.dim[0]);
	if (batched) {
		/* Operands without a batch dim, or with a batch of 1, are shared by every batch. */
		bool ab = a->shape.rank == 3 && !dim_is_one(&a->shape.dim[0]);
		bool bb = b->shape.rank == 3 && !dim_is_one(&b->shape.dim[0]);
		line(e, "for (int64_t i3 = 0; i3 < %s; i3++) {", dim_c(e, n->shape.dim[0]));
		e->depth++;
		line(e, "const %s *restrict ma = %s%s;", e->T, o.A,
		     ab ? arena_printf(" + i3 * %s * %s", o.M, o.K) : "");
		line(e, "const %s *restrict mb = %s%s;", e->T, o.B,
		     bb ? arena_printf(" + i3 * %s * %s", o.K, o.N) : "");
		line(e, "%s *restrict mc = %s + i3 * %s * %s;", e->T, o.C, o.M, o.N);
		o.A = "ma", o.B = "mb", o.C = "mc";
	}
	emit_product(e, k, &o, path, pack);
	if (batched)
		close_blocks(e, 1);
	emit_blas_matmul_end(e, k); /* the else of a run-time choice of CBLAS */
}
