/* cases.h: the checks of one element type, included by check.c with T (the type), G(graph)
 * (the graph's name in that type) and L(name) (a name of this copy) defined. */

/* Runs one graph: inputs from random doubles rounded to T, the result back to double. */
#define RUN(graph, args, ...)                                                               \
	do {                                                                                  \
		size_t wb = CAT(G(graph), _workspace_bytes) args;                                \
		Workspace w = ws_new(wb);                                                        \
		CAT(G(graph), _forward)(__VA_ARGS__, w.p);                                       \
		ws_check(&w, #graph);                                                            \
	} while (0)

static T *L(to_t)(const double *x, int64_t n)
{
	T *y = xalloc(sizeof *y * (size_t)n);
	for (int64_t i = 0; i < n; i++)
		y[i] = (T)x[i];
	return y;
}

static double *L(from_t)(const T *x, int64_t n)
{
	double *y = xalloc(sizeof *y * (size_t)n);
	for (int64_t i = 0; i < n; i++)
		y[i] = (double)x[i];
	return y;
}

/* One product of shape s in variant v (ta, tb, batch flags) through its graph. */
static void L(product)(Size s, Variant v)
{
	int64_t na = (v.abatch ? s.B : 1) * s.M * s.K, nb = (v.bbatch ? s.B : 1) * s.K * s.N;
	int64_t nc = (v.abatch || v.bbatch ? s.B : 1) * s.M * s.N;
	double *a = random_values(na), *b = random_values(nb), *bias = random_values(s.N);
	T *ta = L(to_t)(a, na), *tb = L(to_t)(b, nb), *tbias = L(to_t)(bias, s.N);
	T *tc = xalloc(sizeof *tc * (size_t)nc), *tw = xalloc(sizeof *tw * (size_t)nc);
	memset(tw, 0, sizeof *tw * (size_t)nc); /* mm_tn's w: only a shape */
	for (int64_t i = 0; i < na; i++)
		a[i] = (double)ta[i];
	for (int64_t i = 0; i < nb; i++)
		b[i] = (double)tb[i];
	for (int64_t i = 0; i < s.N; i++)
		bias[i] = (double)tbias[i];
	int64_t B = s.B, M = s.M, K = s.K, N = s.N;
	switch (v.graph) {
	case NN: RUN(mm_nn, (M, K, N), M, K, N, ta, tb, tc); break;
	case TN: RUN(mm_tn, (K, M, N), K, M, N, ta, tb, tw, tc); break;
	case NT: RUN(mm_nt, (M, K, N), M, K, N, ta, tb, tw, tc); break;
	case BTN: RUN(mm_btn, (B, K, M, N), B, K, M, N, ta, tb, tw, tc); break;
	case BNT: RUN(mm_bnt, (B, M, K, N), B, M, K, N, ta, tb, tw, tc); break;
	case TT: RUN(mm_tt, (K, M, N), K, M, N, ta, tb, tc); break;
	case BB: RUN(mm_bb, (B, M, K, N), B, M, K, N, ta, tb, tc); break;
	case B2: RUN(mm_b2, (B, M, K, N), B, M, K, N, ta, tb, tc); break;
	case TWO_B: RUN(mm_2b, (M, K, B, N), M, K, B, N, ta, tb, tc); break;
	case BTT: RUN(mm_btt, (B, K, M, N), B, K, M, N, ta, tb, tc); break;
	case EPI: RUN(mm_epi, (M, K, N), M, K, N, ta, tb, tbias, tc); break;
	case FIXED: RUN(mm_fixed, (), ta, tb, tc); break;
	case SMALL: RUN(mm_small, (), ta, tb, tc); break;
	}
	hash_bytes(tc, sizeof *tc * (size_t)nc);
	double *c = L(from_t)(tc, nc);
	compare_product(a, b, bias, c, s, v, EPS_OF(T), TNAME);
	free(a), free(b), free(bias), free(ta), free(tb), free(tbias), free(tc), free(tw), free(c);
}

/* y = sum(tanh(a @ w)): the gradients against the same formulas in naive loops, and against a
 * central difference along a random direction. */
static void L(gradient)(Size s)
{
	int64_t M = s.M, K = s.K, N = s.N, na = M * K, nw = K * N;
	double *a = random_values(na), *w = random_values(nw);
	T *ta = L(to_t)(a, na), *tw = L(to_t)(w, nw);
	T *da = xalloc(sizeof *da * (size_t)na), *dw = xalloc(sizeof *dw * (size_t)nw), y;
	size_t wb = CAT(G(mm_grad), _workspace_bytes)(M, K, N);
	Workspace ws = ws_new(wb);
	CAT(G(mm_grad), _grad)(M, K, N, ta, tw, &y, da, dw, ws.p);
	ws_check(&ws, "mm_grad");
	hash_bytes(da, sizeof *da * (size_t)na);
	hash_bytes(dw, sizeof *dw * (size_t)nw);
	for (int64_t i = 0; i < na; i++)
		a[i] = (double)ta[i];
	for (int64_t i = 0; i < nw; i++)
		w[i] = (double)tw[i];
	double *gda = L(from_t)(da, na), *gdw = L(from_t)(dw, nw);
	/* along a direction d: (f(x + h d) - f(x - h d)) / 2h through the forward; in f64 only,
	 * f32 has too few digits for a difference of sums this long */
	double *dir = random_values(na + nw), fd[2] = { 0, 0 };
	double h = 1e-5;
	for (int side = 0; side < 2 && sizeof(T) == 8; side++) {
		T *pa = xalloc(sizeof *pa * (size_t)na), *pw = xalloc(sizeof *pw * (size_t)nw), py;
		double sg = side ? -h : h;
		for (int64_t i = 0; i < na; i++)
			pa[i] = (T)(a[i] + sg * dir[i]);
		for (int64_t i = 0; i < nw; i++)
			pw[i] = (T)(w[i] + sg * dir[na + i]);
		Workspace w2 = ws_new(wb);
		CAT(G(mm_grad), _forward)(M, K, N, pa, pw, &py, w2.p);
		ws_check(&w2, "mm_grad forward");
		fd[side] = (double)py;
		free(pa), free(pw);
	}
	compare_gradient(a, w, s, (double)y, gda, gdw, dir, sizeof(T) == 8, (fd[0] - fd[1]) / (2 * h),
	                 EPS_OF(T), TNAME);
	free(a), free(w), free(ta), free(tw), free(da), free(dw), free(gda), free(gdw), free(dir);
}

#undef RUN
