/* emit_vmath.c: exp, log and tanh for float graphs, written into the generated file as static
 * inline C. libm's expf is an opaque call, so a loop that calls it stays scalar; these are plain
 * arithmetic, with bit casts through memcpy and selects as bit masks (morch_pickf) rather than
 * ?:, so GCC inlines them and vectorizes the fused loops that use them (at -O3, and at -O2
 * through the cost-model pragma emit_c.c writes). Double graphs keep libm. Method, error bounds and special values:
 * docs/vmath.md; tests/vmath checks the bounds. */
#include <string.h>

#include "emit_internal.h"

enum { VM_EXP = 1, VM_LOG = 2, VM_TANH = 4 };

static const char *const pickf_text =
	"/* morch_pickf(c, a, b): c ? a : b through bit masks. Compilers make ?: a branch, and may then\n"
	" * specialize the code after it for a constant arm, which leaves floating-point operations\n"
	" * under a condition and the loop scalar; masks keep every element on one straight path. */\n"
	"static inline float morch_pickf(int c, float a, float b)\n"
	"{\n"
	"\tuint32_t m = 0u - (uint32_t)(c != 0), ua, ub;\n"
	"\tmemcpy(&ua, &a, sizeof ua);\n"
	"\tmemcpy(&ub, &b, sizeof ub);\n"
	"\tua = (ua & m) | (ub & ~m);\n"
	"\tmemcpy(&a, &ua, sizeof a);\n"
	"\treturn a;\n"
	"}\n";

static const char *const expf_text =
	"/* morch_expf(x): e^x, within 1.3 ulp. x = n ln2 + r with n = round(x / ln2), |r| <= ln2/2\n"
	" * (ln2 in two parts: the high one has 15 bits, so n * ln2hi and r are exact); e^r by a\n"
	" * degree-6 polynomial fitted to relative error 3e-9; 2^n built from bits as two factors,\n"
	" * each a normal float, so a result in the denormal range is rounded once. NaN gives NaN,\n"
	" * x above 88.722839 inf, x below -103.972 0. */\n"
	"static inline float morch_expf(float x)\n"
	"{\n"
	"\tuint32_t ux, sign;\n"
	"\tmemcpy(&ux, &x, sizeof ux);\n"
	"\tsign = ux & 0x80000000u;\n"
	"\tux = ux & 0x7fffffffu;\n"
	"\tux = (ux < 0x42d00000u ? ux : 0x42d00000u) | sign; /* |x| <= 104: e^x is inf or 0 beyond */\n"
	"\tfloat xc;\n"
	"\tmemcpy(&xc, &ux, sizeof xc);\n"
	"\tfloat nb = xc * 0x1.715476p+0f + 0x1.8p+23f; /* 1.5 * 2^23 + n: n in the low bits */\n"
	"\tfloat n = nb - 0x1.8p+23f;\n"
	"\tfloat r = xc - n * 0x1.62e4p-1f;\n"
	"\tr = r - n * 0x1.7f7d1cp-20f;\n"
	"\tfloat p = 0x1.6a2444p-10f;\n"
	"\tp = p * r + 0x1.1239d4p-7f;\n"
	"\tp = p * r + 0x1.5558f2p-5f;\n"
	"\tp = p * r + 0x1.555492p-3f;\n"
	"\tp = p * r + 0x1.fffffcp-2f;\n"
	"\tp = 1.0f + r + r * r * p;\n"
	"\tuint32_t u, s1, s2;\n"
	"\tmemcpy(&u, &nb, sizeof u);\n"
	"\tu = u - 0x4b400000u + 150u; /* n + 150, in [0, 300] */\n"
	"\ts1 = ((u >> 1) + 52u) << 23; /* 2^n1, n1 = floor(n / 2) */\n"
	"\ts2 = (u - (u >> 1) + 52u) << 23; /* 2^(n - n1) */\n"
	"\tfloat f1, f2;\n"
	"\tmemcpy(&f1, &s1, sizeof f1);\n"
	"\tmemcpy(&f2, &s2, sizeof f2);\n"
	"\treturn morch_pickf(isnan(x), x, p * f1 * f2);\n"
	"}\n";

static const char *const logf_text =
	"/* morch_logf(x): log x, within 0.93 ulp. x = 2^k m with m in [sqrt(1/2), sqrt(2)), read from\n"
	" * the bits (denormals are scaled by 2^23 first); log m = f - f^2/2 + f^3 q(f), f = m - 1,\n"
	" * q of degree 7 fitted to relative error 6e-9; plus k ln2 in two parts. log 0 is -inf,\n"
	" * log of a negative number or NaN is NaN, log inf is inf. */\n"
	"static inline float morch_logf(float x)\n"
	"{\n"
	"\tint tiny = x < 0x1p-126f;\n"
	"\tfloat xs = x * morch_pickf(tiny, 0x1p+23f, 1.0f);\n"
	"\tuint32_t ix, t;\n"
	"\tmemcpy(&ix, &xs, sizeof ix);\n"
	"\tt = ix - 0x3f3504f3u; /* its top 9 bits: k, as a 9-bit two's complement number */\n"
	"\tfloat k = (float)((int32_t)((t >> 23) ^ 256u) - 256) - morch_pickf(tiny, 23.0f, 0.0f);\n"
	"\tix = ix - (t & 0xff800000u); /* m = x / 2^k */\n"
	"\tfloat m;\n"
	"\tmemcpy(&m, &ix, sizeof m);\n"
	"\tfloat f = m - 1.0f;\n"
	"\tfloat q = -0x1.38b3e6p-4f;\n"
	"\tq = q * f + 0x1.055b18p-3f;\n"
	"\tq = q * f - 0x1.0d8568p-3f;\n"
	"\tq = q * f + 0x1.22da2ap-3f;\n"
	"\tq = q * f - 0x1.547242p-3f;\n"
	"\tq = q * f + 0x1.99a008p-3f;\n"
	"\tq = q * f - 0x1.000228p-2f;\n"
	"\tq = q * f + 0x1.555554p-2f;\n"
	"\tfloat z = f * f;\n"
	"\tfloat y = f * z * q - 0.5f * z;\n"
	"\tfloat r = (f + (y + k * 0x1.7f7d1cp-20f)) + k * 0x1.62e4p-1f;\n"
	"\tr = morch_pickf(x < 0x1p-149f, -INFINITY, r); /* +-0 (and negative x: see below) */\n"
	"\tr = morch_pickf(x > 0x1.fffffep+127f, x, r); /* inf */\n"
	"\treturn morch_pickf(x >= 0, r, NAN);\n"
	"}\n";

static const char *const tanhf_text =
	"/* morch_tanhf(x): tanh x, within 1.35 ulp. For |x| < 0.625, x + x^3 q(x^2) with q of degree 4\n"
	" * fitted to relative error 5e-9 (tiny x gives x, -0 gives -0); above, the sign of x times\n"
	" * 1 - 2 / (e^2|x| + 1), which reaches 1 once e^2|x| overflows. NaN gives NaN. */\n"
	"static inline float morch_tanhf(float x)\n"
	"{\n"
	"\tfloat z = x * x;\n"
	"\tfloat q = -0x1.75e00ep-8f;\n"
	"\tq = q * z + 0x1.522646p-6f;\n"
	"\tq = q * z - 0x1.b83c4ep-5f;\n"
	"\tq = q * z + 0x1.110726p-3f;\n"
	"\tq = q * z - 0x1.555532p-2f;\n"
	"\tfloat y_small = morch_pickf(z < 0x1p-126f, x, x + x * z * q); /* tanh x is x, -0 too */\n"
	"\tuint32_t ux, sign;\n"
	"\tmemcpy(&ux, &x, sizeof ux);\n"
	"\tsign = ux & 0x80000000u;\n"
	"\tux = ux & 0x7fffffffu;\n"
	"\tfloat ax;\n"
	"\tmemcpy(&ax, &ux, sizeof ax);\n"
	"\tfloat y_large = 1.0f - 2.0f / (morch_expf(2.0f * ax) + 1.0f);\n"
	"\tmemcpy(&ux, &y_large, sizeof ux);\n"
	"\tux = ux | sign;\n"
	"\tmemcpy(&y_large, &ux, sizeof y_large);\n"
	"\treturn morch_pickf(ax < 0.625f, y_small, y_large);\n"
	"}\n";

/* What a graph's kernels call: exp for exp, sigmoid and the softmax family, log for log and the
 * log-sum-exps, tanh (which calls exp) for tanh. Double graphs need nothing. */
static unsigned needs(const Graph *g)
{
	unsigned n = 0;
	if (g->real != T_F32)
		return 0;
	for (int i = 0; i < g->nnodes; i++) {
		switch (g->node[i].op) {
		case OP_EXP: case OP_SIGMOID: case OP_SOFTMAX: n |= VM_EXP; break;
		case OP_LOG: n |= VM_LOG; break;
		case OP_TANH: n |= VM_TANH | VM_EXP; break;
		case OP_LOG_SOFTMAX: case OP_LOGSUMEXP: case OP_CROSS_ENTROPY: n |= VM_EXP | VM_LOG; break;
		default: break;
		}
	}
	return n;
}

static unsigned module_needs(const Module *m)
{
	unsigned n = 0;
	for (int i = 0; i < m->ngraphs; i++)
		n |= needs(m->graph[i]);
	return n;
}

bool vmath_used(const Module *m)
{
	return module_needs(m) != 0;
}

void emit_vmath(FILE *f, const Module *m)
{
	unsigned n = module_needs(m);
	if (!n)
		return;
	fprintf(f, "\n/* Float exp, log and tanh as inline C, so loops that call them vectorize "
	           "(docs/vmath.md).\n * Where they stay scalar libm's are "
	           "faster: -DMORCH_LIBM_MATH calls those. */\n#ifdef MORCH_LIBM_MATH\n");
	if (n & VM_EXP)
		fprintf(f, "#define morch_expf expf\n");
	if (n & VM_LOG)
		fprintf(f, "#define morch_logf logf\n");
	if (n & VM_TANH)
		fprintf(f, "#define morch_tanhf tanhf\n");
	fprintf(f, "#else\n\n%s", pickf_text);
	if (n & VM_EXP)
		fprintf(f, "\n%s", expf_text);
	if (n & VM_LOG)
		fprintf(f, "\n%s", logf_text);
	if (n & VM_TANH)
		fprintf(f, "\n%s", tanhf_text);
	fprintf(f, "#endif\n");
}

const char *math_fn(const Emit *e, const char *name, size_t len)
{
	static const char *const inline_fns[] = { "exp", "log", "tanh" };
	if (e->g->real == T_F32)
		for (size_t i = 0; i < sizeof inline_fns / sizeof *inline_fns; i++)
			if (strlen(inline_fns[i]) == len && strncmp(name, inline_fns[i], len) == 0)
				return arena_printf("morch_%.*sf", (int)len, name);
	return arena_printf("%.*s%s", (int)len, name, e->fs);
}
