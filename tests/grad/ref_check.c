/* ref_check.c: the forward value of every f64 graph against a reference composed from ref_ops.c
 * (or a closed form), at every size assignment: values and the shapes the reflection info
 * reports. Finite differences cannot see a forward that is wrong but differentiated
 * consistently; this can. Graphs named tie_* are tie_check.c's. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks.h"
#include "harness.h"
#include "ref_ops.h"

/* The reference sums in its own order; libm is the same. */
static const double TOL = 1e-11;

enum { MAX_OUTS = 8, MAX_REPORTS = 6 };

typedef struct Ref Ref;
struct Ref {
	const char *graph;
	void (*fn)(const Run *r, const Ref *ref, Arr *out);
	RefOp op;
	int axis;
	bool keepdims;
	double scale; /* the input is multiplied by this first (the *_big graphs) */
};

#define X(i) arr_of_arg(r, i)
#define LABELS(i) ((const int32_t *)r->arg[i].data)
#define UNUSED (void)ref

/* ---- single ops, parameterized by the table ---- */

static void r_unary(const Run *r, const Ref *ref, Arr *out)
{
	out[0] = ref_unary(ref->op, X(0));
}

static void r_binary(const Run *r, const Ref *ref, Arr *out)
{
	out[0] = ref_binary(ref->op, X(0), X(1));
}

static void r_reduce(const Run *r, const Ref *ref, Arr *out)
{
	out[0] = ref_reduce(ref->op, X(0), ref->axis, ref->keepdims);
}

static void r_along(const Run *r, const Ref *ref, Arr *out)
{
	out[0] = ref_along(ref->op, mul(X(0), num(ref->scale)), ref->axis, ref->keepdims);
}

static void r_matmul(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_matmul(X(0), X(1));
}

static void r_transpose(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_transpose(X(0));
}

/* ---- closed forms: elementwise ---- */

static void ew_scalars(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	double a = X(0).p[0], b = X(1).p[0];
	out[0] = num(a * b - a / b + pow(b, a) - (a > b ? a : b) + exp(a) * log(b));
}

static void ew_literals(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0), y = X(0);
	for (int64_t i = 0; i < x.n; i++)
		y.p[i] = 1 + 0.5 * x.p[i] - 0.25 * x.p[i] * x.p[i] + 1 / x.p[i] - 1.5;
	out[0] = y;
}

static void ew_precedence(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0), y = X(0);
	for (int64_t i = 0; i < x.n; i++)
		y.p[i] = -(x.p[i] * x.p[i]) + pow(2, -x.p[i]) + pow(x.p[i], sqrt(2.0)) - 2 / x.p[i];
	out[0] = y;
}

static void ew_intpow(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0), y = X(0);
	for (int64_t i = 0; i < x.n; i++) {
		double v = x.p[i];
		y.p[i] = v * v - v * v * v + v * v * v * v;
	}
	out[0] = y;
}

/* ---- closed forms: products and shapes ---- */

static void mm_ta(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_matmul(ref_transpose(X(0)), X(1));
}

static void mm_tb(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_matmul(X(0), ref_transpose(X(1)));
}

static void mm_tab(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_matmul(ref_transpose(X(0)), ref_transpose(X(1)));
}

static void mm_square(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_matmul(X(0), X(0));
}

static void mm_chain(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_matmul(ref_matmul(X(0), X(1)), X(2));
}

static void mm_sum(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_reduce(R_SUM, ref_matmul(X(0), X(1)), ALL_AXES, false);
}

static void mm_v_t(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_matmul(X(0), ref_transpose(X(1)));
}

static void sh_rs_square(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	int64_t n = run_size(r, "N"), d[] = { n * n };
	out[0] = ref_reshape(X(0), 1, d);
}

static void sh_rs_square_split(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	int64_t n = run_size(r, "N"), d[] = { n, n * run_size(r, "M") };
	out[0] = ref_reshape(X(0), 2, d);
}

static void sh_tr_twice(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_transpose(mul(ref_transpose(X(0)), ref_transpose(X(1))));
}

static void sh_rs_flat(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	int64_t d[] = { run_size(r, "N") * run_size(r, "M") };
	out[0] = ref_reshape(X(0), 1, d);
}

static void sh_rs_names(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	int64_t d[] = { run_size(r, "M"), run_size(r, "N") };
	out[0] = ref_reshape(X(0), 2, d);
}

static void sh_rs_split(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	int64_t d[] = { 2, 3 * run_size(r, "N") };
	out[0] = ref_reshape(X(0), 2, d);
}

static void sh_rs_unit(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	int64_t d[] = { 1, run_size(r, "N"), 1, run_size(r, "M"), 1 };
	out[0] = ref_reshape(X(0), 5, d);
}

static void sh_rs_infer_name(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	int64_t d[] = { run_size(r, "B") * run_size(r, "N"), run_size(r, "M") };
	out[0] = ref_reshape(X(0), 2, d);
}

static void sh_rs_reduce(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	int64_t d[] = { run_size(r, "N"), 2, 3 };
	out[0] = ref_reduce(R_SUM, mul(ref_reshape(X(0), 3, d), X(1)), 1, false);
}

static void sh_rs_transpose(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	int64_t d[] = { run_size(r, "M"), run_size(r, "N") };
	out[0] = ref_transpose(ref_reshape(X(0), 2, d));
}

/* ---- closed forms: labels ---- */

static void ce_plain(const Run *r, const Ref *ref, Arr *out)
{
	out[0] = ref_cross_entropy(mul(X(0), num(ref->scale)), LABELS(1));
}

static void ce_labels_out(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_cross_entropy(X(0), LABELS(1));
	out[1] = X(1);
}

static void ce_layer(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr z = ref_unary(R_TANH, add(ref_matmul(X(1), X(2)), X(3)));
	out[0] = add(ref_cross_entropy(z, LABELS(0)),
	             mul(num(0.5), ref_cross_entropy(mul(num(2), z), LABELS(0))));
	out[1] = z;
}

/* ---- closed forms: gradients written out by hand ---- */

static Arr sum_all(Arr x)
{
	return ref_reduce(R_SUM, x, ALL_AXES, false);
}

static Arr dtanh(Arr x) /* 1 - tanh(x)^2 */
{
	Arr t = ref_unary(R_TANH, x);
	return sub(num(1), mul(t, t));
}

static void hv_cube(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr g = mul(num(3), mul(X(0), X(0)));
	out[0] = sum_all(mul(g, X(1)));
	out[1] = g;
}

static void hv_unary(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0), p = X(1);
	Arr s = ref_unary(R_SIGMOID, x);
	Arr g = add(add(mul(ref_unary(R_EXP, x), ref_unary(R_LOG, p)),
	                mul(ref_unary(R_SQRT, p), mul(s, sub(num(1), s)))),
	            mul(p, dtanh(mul(x, p))));
	out[0] = sum_all(mul(g, X(2)));
	out[1] = g;
}

static void hv_pow_div(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr a = X(0), b = X(1);
	Arr g = sub(mul(b, ref_binary(R_POW, a, sub(b, num(1)))), dvd(b, mul(a, a)));
	out[0] = sum_all(mul(g, X(2)));
	out[1] = g;
}

static void hv_axis_ops(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0), w = X(1);
	Arr s = ref_along(R_SOFTMAX, x, -1, false);
	Arr g1 = mul(s, sub(w, ref_reduce(R_SUM, mul(s, w), -1, true)));
	Arr p = ref_along(R_SOFTMAX, x, 0, false);
	Arr g2 = sub(w, mul(p, ref_reduce(R_SUM, w, 0, true)));
	Arr g3 = ref_along(R_SOFTMAX, x, 1, false);
	Arr g = add(add(g1, g2), g3);
	out[0] = sum_all(mul(g, X(2)));
	out[1] = g;
}

static void hv_reduce(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0);
	double n = (double)x.dim[1];
	Arr mean = ref_reduce(R_MEAN, x, 1, true), mx = ref_reduce(R_MAX, x, 1, true);
	Arr x2 = mul(x, x), mn = ref_reduce(R_MIN, x2, -1, true);
	Arr g = add(add(dvd(mx, num(n)), mul(ref_binary(R_EQ, x, mx), mean)),
	            mul(ref_binary(R_EQ, x2, mn), mul(num(2), x)));
	out[0] = sum_all(mul(g, X(1)));
	out[1] = g;
}

static void hv_matmul(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr g = ref_matmul(ref_transpose(X(0)), dtanh(ref_matmul(X(0), X(1))));
	out[0] = sum_all(mul(g, g));
	out[1] = g;
}

static void hv_ce(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr l = X(0);
	Arr oh = ref_onehot(LABELS(1), l.dim[0], l.dim[1]);
	Arr g = dvd(sub(ref_along(R_SOFTMAX, l, 1, false), oh), num((double)l.dim[0]));
	out[0] = sum_all(mul(g, X(2)));
	out[1] = g;
}

static void hv_kinks(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0), w = X(1);
	Arr sign = sub(ref_binary(R_GT, x, num(0)), ref_binary(R_GT, num(0), x));
	Arr g = add(mul(ref_binary(R_GT, x, num(0)), w), mul(sign, mul(w, w)));
	g = sub(add(g, ref_binary(R_GT, x, w)), ref_binary(R_GT, num(0.5), x));
	out[0] = sum_all(mul(mul(g, X(2)), x));
	out[1] = g;
}

static void hv_step(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0), w = X(1);
	Arr x1 = sub(x, mul(num(0.1), mul(w, dtanh(mul(x, w)))));
	out[0] = sum_all(mul(mul(x1, x1), w));
	out[1] = x1;
}

static void hv_third(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0);
	Arr h = mul(num(12), mul(mul(x, x), X(2)));
	out[0] = sum_all(mul(h, X(1)));
	out[1] = h;
}

static void hv_nonscalar(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0);
	out[0] = mul(X(1), add(ref_unary(R_TANH, x), mul(x, dtanh(x))));
}

/* ---- closed forms: misc ---- */

static void mi_twice(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0);
	out[0] = add(add(mul(x, x), mul(ref_unary(R_EXP, x), x)), x);
}

static void mi_self_add(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = mul(X(0), num(1.5));
}

static void mi_shared(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr h = ref_unary(R_TANH, X(0));
	Arr dot = ref_matmul(ref_reduce(R_MEAN, h, 0, false),
	                     ref_transpose(ref_reduce(R_SUM, h, 0, true)));
	out[0] = add(sum_all(add(mul(h, h), h)), dot);
}

static void mi_unused(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = sum_all(ref_unary(R_EXP, X(0)));
}

static void mi_const_target(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	(void)r;
	out[0] = num(2.5);
}

static void mi_out_args(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = sum_all(mul(X(0), X(1)));
	out[1] = X(0);
	out[2] = X(1);
}

static void mi_echo_args(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = X(0);
	out[1] = X(1);
}

static void mi_unit_dims(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr x = X(0), w = X(1);
	out[0] = sub(add(mul(x, w), ref_reduce(R_SUM, x, 0, false)),
	             ref_reduce(R_MEAN, w, -1, true));
}

static void mi_forward_only(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = mul(ref_along(R_SOFTMAX, X(0), -1, false), num(2));
	out[1] = X(0);
}

static void mi_views(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr y = ref_unary(R_TANH, X(0));
	out[0] = out[2] = y;
	out[1] = ref_reshape(y, 1, &y.n);
}

static void mi_same_grads(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = sum_all(add(X(0), X(1)));
}

static void mi_sizes(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	double n = (double)run_size(r, "N"), m = (double)run_size(r, "M");
	out[0] = num(sum_all(X(0)).p[0] * n / m + n);
	out[1] = num(n);
	out[2] = num(m);
}

static void mi_c_names(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr ws = X(0), i0 = X(1), out_y = X(2), dbl = X(3);
	out[0] = add(add(mul(ws, i0), out_y), mul(ref_unary(R_EXP, ws), dbl));
	out[1] = mul(out[0], num(2));
}

static void mi_size_target(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = num((double)run_size(r, "N"));
	out[1] = X(0);
}

static void mi_no_args(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	(void)r;
	out[0] = num(7.5);
}

static void mi_reshape_scalar(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr w = X(0);
	int64_t one = 1;
	Arr cols = ref_reduce(R_SUM, w, 0, true);
	out[0] = add(add(mul(sum_all(w), w), ref_reshape(cols, 1, &cols.n)),
	             ref_reshape(ref_reduce(R_MEAN, w, ALL_AXES, false), 1, &one));
}

static void mi_grad_views(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = mul(X(0), num(3));
}

static void mi_many_sizes(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr a = X(0), f = X(5);
	Arr t = add(sum_all(mul(a, a)), mul(ref_reduce(R_MEAN, X(1), ALL_AXES, false),
	                                    ref_reduce(R_MAX, X(2), ALL_AXES, false)));
	t = sub(add(t, sum_all(ref_unary(R_EXP, X(3)))), ref_reduce(R_MIN, X(4), ALL_AXES, false));
	out[0] = add(t, dvd(sum_all(mul(f, a)), num((double)f.dim[0])));
}

static void hv_zero(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	Arr g = mul(X(0), num(0));
	out[0] = sum_all(mul(X(0), X(1)));
	out[1] = g;
}

static void fx_scalar_target(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_reduce(R_MEAN, mul(ref_unary(R_SIGMOID, X(0)), X(1)), ALL_AXES, false);
}

static void red_max_of_mean(const Run *r, const Ref *ref, Arr *out)
{
	UNUSED;
	out[0] = ref_reduce(R_MAX, ref_reduce(R_MEAN, X(0), 2, false), 0, true);
}

/* ---- the table ---- */

#define UN(g, o) { g, r_unary, o, 0, false, 1 }
#define BIN(g, o) { g, r_binary, o, 0, false, 1 }
#define RED(g, o, ax, k) { g, r_reduce, o, ax, k, 1 }
#define ALONG(g, o, ax, k, s) { g, r_along, o, ax, k, s }
#define MM(g) { g, r_matmul, 0, 0, false, 1 }
#define TR(g) { g, r_transpose, 0, 0, false, 1 }
#define CLOSED(g) { #g, g, 0, 0, false, 1 }
#define CLOSED_AS(g, fn, s) { g, fn, 0, 0, false, s }

#define BROADCASTS(name, o)                                                                 \
	BIN("bc_" name "_st", o), BIN("bc_" name "_ts", o), BIN("bc_" name "_cr", o),           \
	BIN("bc_" name "_row", o), BIN("bc_" name "_mv", o), BIN("bc_" name "_3d", o)
#define REDUCTIONS(name, o)                                                                 \
	RED("red_" name "_all", o, ALL_AXES, false), RED("red_" name "_all_keep", o, ALL_AXES, true), \
	RED("red_" name "_ax0", o, 0, false), RED("red_" name "_ax1_keep", o, 1, true),         \
	RED("red_" name "_axm1", o, -1, false), RED("red_" name "_mid", o, 1, false),           \
	RED("red_" name "_mid_keep", o, 1, true), RED("red_" name "_vec", o, 0, false),         \
	RED("red_" name "_nokeep", o, 0, false)
#define ALONGS(name, o)                                                                     \
	ALONG("ax_" name "_last", o, -1, false, 1), ALONG("ax_" name "_first", o, 0, false, 1), \
	ALONG("ax_" name "_mid", o, 1, false, 1), ALONG("ax_" name "_neg", o, -1, false, 1),     \
	ALONG("ax_" name "_vec", o, 0, false, 1), ALONG("ax_" name "_big", o, -1, false, 1000)

static const Ref refs[] = {
	UN("ew_neg", R_NEG), UN("ew_exp", R_EXP), UN("ew_log", R_LOG), UN("ew_sqrt", R_SQRT),
	UN("ew_tanh", R_TANH), UN("ew_sigmoid", R_SIGMOID), UN("ew_relu", R_RELU),
	UN("ew_abs", R_ABS),
	BIN("ew_add", R_ADD), BIN("ew_sub", R_SUB), BIN("ew_mul", R_MUL), BIN("ew_div", R_DIV),
	BIN("ew_pow", R_POW), BIN("ew_powfn", R_POW), BIN("ew_maximum", R_MAXIMUM),
	BIN("ew_minimum", R_MINIMUM),
	CLOSED(ew_scalars), CLOSED(ew_literals), CLOSED(ew_precedence), CLOSED(ew_intpow),

	BROADCASTS("add", R_ADD), BROADCASTS("sub", R_SUB), BROADCASTS("mul", R_MUL),
	BROADCASTS("div", R_DIV), BROADCASTS("pow", R_POW), BROADCASTS("maximum", R_MAXIMUM),
	BROADCASTS("minimum", R_MINIMUM),
	BIN("bc_add_ones", R_ADD), BIN("bc_mul_one_scalar", R_MUL),

	REDUCTIONS("sum", R_SUM), REDUCTIONS("mean", R_MEAN), REDUCTIONS("max", R_MAX),
	REDUCTIONS("min", R_MIN),
	RED("red_sum_first3", R_SUM, 0, false), CLOSED(red_max_of_mean),

	ALONGS("softmax", R_SOFTMAX), ALONGS("log_softmax", R_LOG_SOFTMAX),
	ALONGS("logsumexp", R_LOGSUMEXP),
	ALONG("ax_logsumexp_keep", R_LOGSUMEXP, 1, true, 1),

	MM("mm_2d"), MM("mm_vv"), MM("mm_vm"), MM("mm_mv"), MM("mm_3d"), MM("mm_3d_2d"),
	MM("mm_2d_3d"), MM("mm_1b_3d"), MM("mm_3d_1b"), MM("mm_v_3d"), MM("mm_3d_v"),
	MM("mm_1b_v"),
	CLOSED(mm_ta), CLOSED(mm_tb), CLOSED(mm_tab), CLOSED_AS("mm_t3", mm_tab, 1),
	CLOSED(mm_square), CLOSED(mm_chain), CLOSED(mm_sum),
	CLOSED_AS("mm_ta_bc", mm_ta, 1), CLOSED_AS("mm_tb_bc", mm_tb, 1),
	CLOSED_AS("mm_t_1b", mm_ta, 1), CLOSED(mm_v_t),

	TR("sh_tr_2d"), TR("sh_tr_3d"), CLOSED(sh_tr_twice), CLOSED(sh_rs_flat),
	CLOSED(sh_rs_names), CLOSED(sh_rs_split), CLOSED(sh_rs_unit), CLOSED(sh_rs_infer_name),
	CLOSED(sh_rs_reduce), CLOSED(sh_rs_transpose), CLOSED(sh_rs_square),
	CLOSED(sh_rs_square_split), BIN("sh_rank5_bc", R_MUL), RED("sh_rank5_sum", R_SUM, 2, false),
	ALONG("sh_rank5_softmax", R_SOFTMAX, -3, false, 1),

	CLOSED_AS("ce_basic", ce_plain, 1), CLOSED_AS("ce_fixed", ce_plain, 1),
	CLOSED_AS("ce_big", ce_plain, 1000), CLOSED(ce_layer), CLOSED(ce_labels_out),

	CLOSED(hv_cube), CLOSED(hv_unary), CLOSED(hv_pow_div), CLOSED(hv_axis_ops),
	CLOSED(hv_reduce), CLOSED(hv_matmul), CLOSED(hv_ce), CLOSED(hv_kinks), CLOSED(hv_step),
	CLOSED(hv_third), CLOSED(hv_nonscalar),

	CLOSED(mi_twice), CLOSED(mi_self_add), CLOSED(mi_shared), CLOSED(mi_unused),
	CLOSED(mi_const_target), CLOSED(mi_out_args), CLOSED_AS("mi_target_input", mi_echo_args, 1),
	CLOSED_AS("mi_target_scalar_param", mi_echo_args, 1), CLOSED(mi_unit_dims),
	CLOSED(mi_forward_only), CLOSED(mi_views), CLOSED(mi_same_grads), CLOSED(mi_sizes),
	CLOSED(mi_c_names), CLOSED(hv_zero), CLOSED(mi_size_target), CLOSED(mi_no_args),
	CLOSED(mi_reshape_scalar), CLOSED(mi_grad_views), CLOSED(mi_many_sizes),

	UN("fx_tanh_1x1", R_TANH), MM("fx_mm_1x1"), BIN("fx_mul_1x7", R_MUL),
	ALONG("fx_softmax_1x7", R_SOFTMAX, -1, false, 1), RED("fx_sum_7x1", R_SUM, 0, false),
	ALONG("fx_lse_7x1", R_LOGSUMEXP, 0, false, 1), BIN("fx_add_33x17", R_ADD),
	MM("fx_mm_33x17"), RED("fx_mean_33x17", R_MEAN, 0, false),
	RED("fx_max_33x17", R_MAX, 1, false), ALONG("fx_log_softmax_33x17", R_LOG_SOFTMAX, 0, false, 1),
	TR("fx_tr_33x17"), MM("fx_mm_3x1x7"), CLOSED(fx_scalar_target),
};

static const Ref *find_ref(const char *graph)
{
	for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
		if (strcmp(refs[i].graph, graph) == 0)
			return &refs[i];
	return NULL;
}

/* ---- the checks ---- */

static int compare(const Run *r, int i, const Arr *want)
{
	const Tensor *got = &r->out[i];
	bool same = got->rank == want->rank;
	for (int d = 0; same && d < got->rank; d++)
		same = got->dim[d] == want->dim[d];
	if (!same) {
		char a[128] = "", b[128] = "";
		for (int d = 0; d < got->rank; d++)
			snprintf(a + strlen(a), sizeof a - strlen(a), "%s%lld", d ? ", " : "",
			         (long long)got->dim[d]);
		for (int d = 0; d < want->rank; d++)
			snprintf(b + strlen(b), sizeof b - strlen(b), "%s%lld", d ? ", " : "",
			         (long long)want->dim[d]);
		print_error("%s: output '%s' has shape [%s], the reference [%s]\n", r->where,
		            got->info->name, a, b);
		return 1;
	}
	double big = 1;
	for (int64_t k = 0; k < want->n; k++)
		big = fmax(big, fabs(want->p[k]));
	int bad = 0;
	for (int64_t k = 0; k < want->n; k++) {
		double v = tensor_get(got, k);
		if (fabs(v - want->p[k]) <= TOL * (fabs(want->p[k]) + big))
			continue;
		if (bad++ < MAX_REPORTS)
			print_error("%s: output '%s'[%lld] is %.17g, the reference %.17g\n", r->where,
			            got->info->name, (long long)k, v, want->p[k]);
	}
	return bad;
}

static void test_ref(void **state)
{
	const morch_graph_info *g = *state;
	const Ref *ref = find_ref(g->name);
	assert_non_null(ref);
	assert_true(g->nouts <= MAX_OUTS);
	int64_t sizes[MAX_ASSIGNMENTS][MORCH_MAX_SIZES];
	int n = size_assignments(g, sizes), bad = 0;
	for (int k = 0; k < n; k++) {
		Run *r = run_new(g, sizes[k]);
		run_fill(r, graph_seed(g->name, k));
		run_forward(r);
		Arr want[MAX_OUTS];
		memset(want, 0, sizeof want);
		ref->fn(r, ref, want);
		for (int i = 0; i < g->nouts; i++) {
			assert_non_null(want[i].p);
			bad += compare(r, i, &want[i]);
		}
		run_free(r);
		arr_free_all();
	}
	if (bad)
		fail_msg("graph %s: %d values or shapes differ from the reference", g->name, bad);
}

static bool is_tie_graph(const morch_graph_info *g)
{
	return strncmp(g->name, "tie_", 4) == 0;
}

static bool has_ref(const morch_graph_info *g)
{
	return find_ref(g->name) != NULL;
}

/* Every graph is checked here or by tie_check, and every reference names a graph. */
static int missing;

static void count_missing(const morch_graph_info *g, void *ctx)
{
	(void)ctx;
	if (!has_ref(g) && !is_tie_graph(g)) {
		print_error("graph %s has no reference in ref_check.c\n", g->name);
		missing++;
	}
}

static void test_coverage(void **state)
{
	(void)state;
	missing = 0;
	graph_each(false, count_missing, NULL);
	for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
		if (!graph_find(refs[i].graph)) {
			print_error("reference %s names no graph\n", refs[i].graph);
			missing++;
		}
	assert_int_equal(missing, 0);
}

int ref_check(void)
{
	const struct CMUnitTest coverage[] = { cmocka_unit_test(test_coverage) };
	int failed = cmocka_run_group_tests_name("every graph has a reference", coverage, NULL, NULL);
	return failed + run_graph_tests("forward values against references", false, test_ref, has_ref);
}
