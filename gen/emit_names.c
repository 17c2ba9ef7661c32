/* emit_names.c: C names. A user's names are kept where they are valid and free, else made
 * unique by appending '_'. Reserved are the names the generated files declare or use, the names
 * the headers they include declare or define as macros, and macros a program commonly has
 * defined before it includes the generated header (its prototypes carry parameter names).
 * Graph names are the public API and are never renamed: check_graph_names() refuses those
 * whose public names would collide. Lookups are hashed, so naming is linear in the graph. */
#include <string.h>

#include "diag.h"
#include "emit_internal.h"

/* ---- a hash set of strings (open addressing, in the arena) ---- */

static size_t hash(const char *s)
{
	size_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static size_t find_slot(const NameSet *set, const char *s)
{
	size_t i = hash(s) & (set->cap - 1);
	while (set->slot[i] && strcmp(set->slot[i], s) != 0)
		i = (i + 1) & (set->cap - 1);
	return i;
}

bool nameset_has(const NameSet *set, const char *s)
{
	return set->cap && set->slot[find_slot(set, s)];
}

bool nameset_add(NameSet *set, const char *s)
{
	if (2 * (set->n + 1) > set->cap) { /* at most half full */
		NameSet bigger = { arena_alloc(sizeof *bigger.slot * (set->cap ? 2 * set->cap : 64)),
		                   set->cap ? 2 * set->cap : 64, 0 };
		for (size_t i = 0; i < set->cap; i++)
			if (set->slot[i])
				bigger.slot[find_slot(&bigger, set->slot[i])] = set->slot[i], bigger.n++;
		*set = bigger;
	}
	size_t i = find_slot(set, s);
	if (set->slot[i])
		return false;
	set->slot[i] = s;
	set->n++;
	return true;
}

/* ---- reserved words ---- */

static const char *const words[] = {
	/* C and C++ keywords, so the header works for both */
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
	"restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
	"union", "unsigned", "void", "volatile", "while", "bool", "true", "false", "alignas",
	"alignof", "static_assert", "thread_local", "typeof", "nullptr", "constexpr", "asm",
	"class", "new", "delete", "this", "template", "typename", "namespace", "operator",
	"private", "public", "protected", "virtual", "friend", "try", "catch", "throw",
	"explicit", "mutable", "using", "export", "and", "or", "not", "xor", "bitand", "bitor",
	"compl", "and_eq", "or_eq", "xor_eq", "not_eq", "char8_t", "char16_t", "char32_t",
	"decltype", "noexcept", "concept", "requires", "co_await", "co_return", "co_yield",
	"consteval", "constinit", "static_cast", "dynamic_cast", "reinterpret_cast", "const_cast",
	"typeid", "noreturn", "complex", "imaginary", "I",
	/* locals and parameters of the generated functions (numbered ones are in reserved()) */
	"ws", "i", "j", "lane", "av", "acc", "mx", "sm", "lse", "row", "lab", "ma", "mb", "mc",
	"forward", "grad",
	/* stddef.h, stdint.h, math.h macros without a reserved prefix */
	"NULL", "offsetof", "INFINITY", "NAN", "math_errhandling", "fpclassify", "isfinite",
	"isinf", "isnan", "isnormal", "signbit", "isgreater", "isgreaterequal", "isless",
	"islessequal", "islessgreater", "isunordered", "signgam",
	/* morchrt.h's guard (its other names are morch_ and MORCH_) */
	"MORCHRT_H",
	/* macros a program may define before including the header: C's headers, NDEBUG, and
	 * what GCC predefines outside strict ISO mode */
	"stdin", "stdout", "stderr", "EOF", "BUFSIZ", "FILENAME_MAX", "FOPEN_MAX", "L_tmpnam",
	"TMP_MAX", "SEEK_SET", "SEEK_CUR", "SEEK_END", "P_tmpdir", "L_ctermid", "errno",
	"assert", "NDEBUG", "EXIT_SUCCESS", "EXIT_FAILURE", "RAND_MAX", "MB_CUR_MAX", "MB_LEN_MAX",
	"CHAR_BIT", "DECIMAL_DIG", "CLOCKS_PER_SEC", "TIME_UTC", "setjmp", "va_start", "va_arg",
	"va_end", "va_copy", "unix", "linux", "i386", "sun", "sparc", "mips", "vax", "WEOF",
	/* POSIX's, which glibc's C headers define outside strict ISO mode */
	"AIO_PRIO_DELTA_MAX", "BC_BASE_MAX", "BC_DIM_MAX", "BC_SCALE_MAX", "BC_STRING_MAX",
	"BIG_ENDIAN", "LITTLE_ENDIAN", "PDP_ENDIAN", "BYTE_ORDER", "CHARCLASS_NAME_MAX",
	"COLL_WEIGHTS_MAX", "DELAYTIMER_MAX", "HOST_NAME_MAX", "LINE_MAX", "LOGIN_NAME_MAX",
	"MAX_CANON", "MAX_INPUT", "MINSIGSTKSZ", "MQ_PRIO_MAX", "NAME_MAX", "NFDBITS", "NGREG",
	"NGROUPS_MAX", "NSIG", "PATH_MAX", "PIPE_BUF", "RE_DUP_MAX", "RTSIG_MAX", "SEM_VALUE_MAX",
	"SSIZE_MAX", "TIMER_ABSTIME", "TTY_NAME_MAX", "WCONTINUED", "WEXITED", "WNOHANG", "WNOWAIT",
	"WSTOPPED", "WUNTRACED",
};

/* math.h's functions, each also with the suffixes f and l (and POSIX's and glibc's extras) */
static const char *const math_functions[] = {
	"acos", "asin", "atan", "atan2", "cos", "sin", "tan", "acosh", "asinh", "atanh", "cosh",
	"sinh", "tanh", "exp", "exp2", "expm1", "frexp", "ilogb", "ldexp", "log", "log10",
	"log1p", "log2", "logb", "modf", "scalbn", "scalbln", "cbrt", "fabs", "hypot", "pow",
	"sqrt", "erf", "erfc", "lgamma", "tgamma", "ceil", "floor", "nearbyint", "rint", "lrint",
	"llrint", "round", "lround", "llround", "trunc", "fmod", "remainder", "remquo",
	"copysign", "nan", "nextafter", "nexttoward", "fdim", "fmax", "fmin", "fma", "j0", "j1",
	"jn", "y0", "y1", "yn", "gamma", "lgamma_r", "drem", "finite", "significand", "exp10",
	"pow10", "sincos", "scalb", "isinf", "isnan",
};

/* Prefixes of names that headers use or the standard reserves for macros and types. */
static const char *const prefixes[] = {
	"morch_", "MORCH_", "__", "M_", "FP_", "INT", "UINT", "HUGE_", "SIZE_", "PTRDIFF_",
	"MATH_", "WCHAR_", "WINT_", "SIG_ATOMIC_", "FLT_", "DBL_", "LDBL_", "CHAR_", "SCHAR_",
	"UCHAR_", "SHRT_", "USHRT_", "LONG_", "ULONG_", "LLONG_", "ULLONG_", "LC_", "SIG", "FE_",
	/* POSIX's (signal.h, sys/select.h, time.h, limits.h) */
	"FD_", "BUS_", "CLD_", "CLOCK_", "FPE_", "ILL_", "POLL_", "SA_", "SEGV_", "SI_", "SS_",
	"XATTR_", "PTHREAD_", "sa_", "si_", "sigev_",
};

/* --blas: what <cblas.h> declares (OpenBLAS's pulls in complex.h and sched.h): prefixes, and
 * macros and types outside them that the lists above do not have */
static const char *const blas_prefixes[] = { "cblas_", "Cblas", "CBLAS_", "openblas_",
                                             "OPENBLAS_", "goto_" };
static const char *const blas_words[] = { "BLASFUNC", "BLASLONG", "BLASULONG", "blasint",
                                          "bfloat16", "xdouble", "FLOATRET", "CMPLX", "CMPLXF",
                                          "CMPLXL", "SCHED_FIFO", "SCHED_OTHER", "SCHED_RR",
                                          "sched_priority" };

static bool blas_prefix_class(const char *s)
{
	for (size_t i = 0; i < sizeof blas_prefixes / sizeof *blas_prefixes; i++)
		if (strncmp(s, blas_prefixes[i], strlen(blas_prefixes[i])) == 0)
			return true;
	return false;
}

/* prefix followed by one or more digits and nothing else */
static bool numbered(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 && s[n] && strspn(s + n, "0123456789") == strlen(s + n);
}

static bool upper_or_digit(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Reserved classes that appending '_' gets out of: numbered locals, kernels, _t. */
static bool reserved_suffix_class(const char *s, bool derived)
{
	size_t len = strlen(s);
	/* temporaries t0.., loop indices i0.., registers v0.., accumulators acc0.. and r0..,
	 * loads ld0.., workspace offsets slot0.. */
	static const char *const numbered_locals[] = { "t", "i", "v", "acc", "lab", "slot", "r",
	                                               "ld" };
	for (size_t i = 0; i < sizeof numbered_locals / sizeof *numbered_locals; i++)
		if (numbered(s, numbered_locals[i]))
			return true;
	/* kernels G_forward_k0.. */
	for (const char *k = strstr(s, "_k"); k; k = strstr(k + 1, "_k"))
		if (numbered(k + 1, "k"))
			return true;
	/* POSIX reserves every name ending in _t for types; out_t, d_x_t and up_t (what we make of
	 * the user's t and x_t) start with prefixes no header uses */
	return !derived && len >= 2 && strcmp(s + len - 2, "_t") == 0;
}

/* Reserved prefixes: a name with one keeps it whatever is appended, so it gets m_ in front. */
static bool reserved_prefix_class(const char *s)
{
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
		if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	/* _X (reserved everywhere), E0 EDOM (errno.h), PRId64 SCNx32 (inttypes.h) */
	if (s[0] == '_' && s[1] >= 'A' && s[1] <= 'Z')
		return true;
	if (s[0] == 'E' && upper_or_digit(s[1]))
		return true;
	return (strncmp(s, "PRI", 3) == 0 || strncmp(s, "SCN", 3) == 0) &&
	       ((s[3] >= 'a' && s[3] <= 'z') || s[3] == 'X');
}

/* ---- the names of a module ---- */

static const char *const public_suffixes[] = { "forward", "grad", "workspace_bytes",
                                               "WORKSPACE_BYTES", "info" };
enum { NPUBLIC = sizeof public_suffixes / sizeof *public_suffixes };

static const char *public_name(const Graph *g, int k)
{
	return arena_printf("%s_%s", g->name, public_suffixes[k]);
}

static void add_words(NameSet *set)
{
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		nameset_add(set, words[i]);
	for (size_t i = 0; i < sizeof math_functions / sizeof *math_functions; i++) {
		nameset_add(set, math_functions[i]);
		nameset_add(set, arena_printf("%sf", math_functions[i]));
		nameset_add(set, arena_printf("%sl", math_functions[i]));
	}
}

ModuleNames *module_names(const Module *m, const EmitOptions *opt)
{
	ModuleNames *mn = arena_alloc(sizeof *mn);
	add_words(&mn->reserved);
	nameset_add(&mn->reserved, arena_printf("%s_graphs", opt->module));
	nameset_add(&mn->reserved, opt->guard);
	mn->blas = opt->blas;
	for (size_t i = 0; opt->blas && i < sizeof blas_words / sizeof *blas_words; i++)
		nameset_add(&mn->reserved, blas_words[i]);
	for (int i = 0; i < m->ngraphs; i++) {
		for (int k = 0; k < NPUBLIC; k++)
			nameset_add(&mn->reserved, public_name(m->graph[i], k));
		nameset_add(&mn->graphs, m->graph[i]->name);
	}
	return mn;
}

/* Whether s starts with the name of a graph followed by _info: --reflect's statics. */
static bool reflect_static(const ModuleNames *mn, const char *s)
{
	for (const char *p = strstr(s, "_info"); p; p = strstr(p + 1, "_info"))
		if (p > s && nameset_has(&mn->graphs, arena_printf("%.*s", (int)(p - s), s)))
			return true;
	return false;
}

bool check_graph_names(const Module *m)
{
	NameSet words_only = { 0 }, seen = { 0 };
	add_words(&words_only);
	bool ok = true;
	for (int i = 0; i < m->ngraphs; i++) {
		const Graph *g = m->graph[i];
		if (g->name[0] == '_') {
			error_at(g->loc, "graph name '%s' starts with '_': C reserves such names for the "
			                 "compiler and its library", g->name);
			ok = false;
			continue;
		}
		for (int k = 0; k < NPUBLIC; k++) {
			const char *p = public_name(g, k);
			const char *why = NULL;
			if (nameset_has(&words_only, p))
				why = ", a name the generated code or its headers already use";
			else if (strncmp(p, "morch_", 6) == 0 || strncmp(p, "MORCH_", 6) == 0)
				why = ": names starting morch_ or MORCH_ belong to the morch runtime";
			else if (!nameset_add(&seen, p))
				why = ", which another graph of this file declares too";
			if (why) {
				error_at(g->loc, "graph name '%s' would declare '%s'%s", g->name, p, why);
				ok = false;
				break;
			}
		}
	}
	return ok;
}

/* A C name for `want`, made unique within the graph: '_' appended, or m_ put in front of a
 * reserved prefix (or of G_info, --reflect's). Derived names are ours: out_y for output y, d_x
 * for a gradient, up_y for an upstream gradient. */
static const char *cname(Names *nm, const char *want, bool derived)
{
	const char *s = want;
	int appended = 0;
	for (;;) {
		if (reserved_prefix_class(s) || reflect_static(nm->module, s) ||
		    (nm->module->blas && blas_prefix_class(s))) {
			s = arena_printf("m_%s", s);
		} else if (nameset_has(&nm->module->reserved, s) || reserved_suffix_class(s, derived) ||
		           nameset_has(&nm->taken, s)) {
			/* one '_' is the documented rename; after that, numbers from a counter, so that
			 * n repeats of a name (output y, y, y, ...) cost O(n), not n names of n bytes */
			s = appended++ < 2 ? arena_printf("%s_", s)
			                   : arena_printf("%s_%ld", want, ++nm->serial);
		} else {
			break;
		}
	}
	nameset_add(&nm->taken, s);
	return s;
}

void name_graph(Emit *e, const ModuleNames *module)
{
	const Graph *g = e->g;
	Names *nm = &e->nm;
	memset(nm, 0, sizeof *nm);
	nm->module = module;
	for (int i = 0; i < g->nsyms; i++)
		nm->sym[i] = cname(nm, g->sym[i], false);
	nm->arg = arena_alloc(sizeof *nm->arg * (size_t)(g->nargs + 1));
	for (int i = 0; i < g->nargs; i++)
		nm->arg[i] = g->arg[i].role == ARG_UPSTREAM
		                     ? cname(nm, arena_printf("up_%s", g->arg[i].name), true)
		                     : cname(nm, g->arg[i].name, false);
	nm->out = arena_alloc(sizeof *nm->out * (size_t)(g->nouts + 1));
	for (int i = 0; i < g->nouts; i++)
		nm->out[i] = cname(nm, arena_printf("out_%s", g->out[i].name), true);
	nm->d = arena_alloc(sizeof *nm->d * (size_t)(g->nwrt + 1));
	for (int i = 0; i < g->nwrt; i++)
		nm->d[i] = cname(nm, arena_printf("d_%s", g->arg[g->wrt[i]].name), true);
	nm->node = arena_alloc(sizeof *nm->node * (size_t)g->nnodes);
}

/* A user's name for the buffer when the node has one, else t<id>: user names of that form are
 * reserved, so the two never meet. */
const char *node_name(Emit *e, int id)
{
	if (!e->nm.node[id]) {
		const Node *n = &e->g->node[id];
		const char *s = arena_printf("t%d", id);
		if (n->name)
			s = cname(&e->nm, n->name, false);
		else
			nameset_add(&e->nm.taken, s);
		e->nm.node[id] = s;
	}
	return e->nm.node[id];
}

const char *buf_name(Emit *e, int b)
{
	const Schedule *s = e->s;
	const Buffer *B = &s->buf[b];
	if (B->kind == BUF_VIEW)
		B = &s->buf[B->base];
	const Node *n = &e->g->node[B->node];
	if (B->scratch) /* morch_ names are never the user's */
		return arena_printf("morch_pack%d", (int)(B - s->buf));
	switch (B->kind) {
	case BUF_ARG:
		return e->nm.arg[n->attr.input.arg];
	case BUF_OUTPUT: {
		int out = s->sink[B->sink].out;
		return out >= 0 ? e->nm.out[out] : e->nm.d[-1 - out];
	}
	default:
		return node_name(e, B->node);
	}
}
