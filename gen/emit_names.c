/* emit_names.c: C names. A user's names are kept where they are valid and free, else made
 * unique by appending '_'; names the generated code uses itself are reserved. */
#include <string.h>

#include "emit_internal.h"

static const char *const reserved[] = {
	/* C and C++ keywords, so the header works for both */
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
	"restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
	"union", "unsigned", "void", "volatile", "while", "bool", "true", "false", "alignas",
	"alignof", "static_assert", "thread_local", "typeof", "nullptr", "constexpr", "asm",
	"class", "new", "delete", "this", "template", "typename", "namespace", "operator",
	"private", "public", "protected", "virtual", "friend", "try", "catch", "throw",
	"explicit", "mutable", "using", "export", "and", "or", "not", "xor", "bitand", "bitor",
	"compl", "and_eq", "or_eq", "xor_eq", "not_eq", "wchar_t", "char8_t", "char16_t",
	"char32_t", "decltype", "noexcept", "concept", "requires", "co_await", "co_return",
	"co_yield", "consteval", "constinit", "static_cast", "dynamic_cast", "reinterpret_cast",
	"const_cast", "typeid",
	/* what generated code names itself */
	"int64_t", "int32_t", "size_t", "NULL", "INFINITY", "NAN", "isinf", "isnan",
	"math_errhandling", "offsetof", "ws", "off", "acc", "mx", "sm", "lse", "lab", "row",
	"av", "i", "j", "lane", "mc", "ma", "mb", "cv", "exp", "expf", "log", "logf", "sqrt", "sqrtf", "tanh", "tanhf", "pow", "powf",
	"fabs", "fabsf",
};

/* prefix followed by one or more digits and nothing else */
static bool numbered(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 && s[n] && strspn(s + n, "0123456789") == strlen(s + n);
}

static bool is_reserved(const char *s)
{
	for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
		if (strcmp(s, reserved[i]) == 0)
			return true;
	/* temporaries t0.., loop indices i0.., registers v0.. and acc0.., kernels G_forward_k0.. */
	if (numbered(s, "t") || numbered(s, "i") || numbered(s, "v") || numbered(s, "acc") ||
	    numbered(s, "lab") || numbered(s, "slot") || numbered(s, "r") ||
	    numbered(s, "ld"))
		return true;
	const char *k = strstr(s, "_k");
	for (; k; k = strstr(k + 1, "_k"))
		if (numbered(k + 1, "k"))
			return true;
	static const char *const prefixes[] = { "morch_", "MORCH_", "__", "M_", "FP_", "INT",
	                                        "UINT", "HUGE_", "SIZE_", "PTRDIFF_", "MATH_" };
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
		if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return s[0] == '_' && s[1] >= 'A' && s[1] <= 'Z';
}

/* A C name for `want`, made unique within the graph by appending '_'. */
static const char *cname(Names *nm, const char *want)
{
	const char *s = want;
	for (;;) {
		bool clash = is_reserved(s);
		for (int i = 0; i < nm->ntaken && !clash; i++)
			clash = strcmp(nm->taken[i], s) == 0;
		if (!clash)
			break;
		s = arena_printf("%s_", s);
	}
	ARRAY_PUSH(nm->taken, nm->ntaken, nm->captaken, s);
	return s;
}

void name_graph(Emit *e)
{
	const Graph *g = e->g;
	Names *nm = &e->nm;
	memset(nm, 0, sizeof *nm);
	for (int i = 0; i < g->nsyms; i++)
		nm->sym[i] = cname(nm, g->sym[i]);
	nm->arg = arena_alloc(sizeof *nm->arg * (size_t)(g->nargs + 1));
	for (int i = 0; i < g->nargs; i++)
		nm->arg[i] = cname(nm, g->arg[i].role == ARG_UPSTREAM
		                           ? arena_printf("up_%s", g->arg[i].name)
		                           : g->arg[i].name);
	nm->out = arena_alloc(sizeof *nm->out * (size_t)(g->nouts + 1));
	for (int i = 0; i < g->nouts; i++)
		nm->out[i] = cname(nm, arena_printf("out_%s", g->out[i].name));
	nm->d = arena_alloc(sizeof *nm->d * (size_t)(g->nwrt + 1));
	for (int i = 0; i < g->nwrt; i++)
		nm->d[i] = cname(nm, arena_printf("d_%s", g->arg[g->wrt[i]].name));
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
			s = cname(&e->nm, n->name);
		else
			ARRAY_PUSH(e->nm.taken, e->nm.ntaken, e->nm.captaken, s);
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
