"""reserved.py: user names never collide with what the generated code, its headers, or a
program's usual headers declare. The names tried are found, not listed by hand where they can
be found: every identifier the C compiler's math.h, stddef.h, stdint.h and morchrt.h declare,
every macro of the C standard headers, every identifier of the code morchgen generates for a
graph of every kind of kernel, C++'s keywords, and the public names of each graph of the module
under test (G_forward, G_WORKSPACE_BYTES, G_forward_k0, G_info_args, the module table, the
header guard). Each is used as a size, input, param, value and output name; the module is
compiled with -Werror (-std=c99 and -std=gnu99, the header also after every standard header and
with a C++ compiler), and run: its results must equal, to the bit, a twin with plain names."""

import os
import re
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

IDENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
STD_HEADERS = ["assert.h", "complex.h", "ctype.h", "errno.h", "fenv.h", "float.h", "inttypes.h",
               "iso646.h", "limits.h", "locale.h", "math.h", "setjmp.h", "signal.h", "stdarg.h",
               "stdbool.h", "stddef.h", "stdint.h", "stdio.h", "stdlib.h", "string.h",
               "tgmath.h", "time.h", "wchar.h", "wctype.h"]
CXX_KEYWORDS = """alignas alignof and and_eq asm auto bitand bitor bool break case catch char
char8_t char16_t char32_t class compl concept const consteval constexpr constinit const_cast
continue co_await co_return co_yield decltype default delete do double dynamic_cast else enum
explicit export extern false float for friend goto if inline int long mutable namespace new
noexcept not not_eq nullptr operator or or_eq private protected public register
reinterpret_cast requires return short signed sizeof static static_assert static_cast struct
switch template this thread_local throw true try typedef typeid typename union unsigned using
virtual void volatile wchar_t while xor xor_eq restrict""".split()
# what a program may have defined (GCC outside strict ISO mode, -DNDEBUG, POSIX headers)
PROGRAM_MACROS = "unix linux i386 NDEBUG errno stdin stdout stderr EOF".split()

# One graph of every kind of kernel, so its C shows every local the emitter uses.
SAMPLE = """graph sample {
    input x[N, K];
    param w[K, M];
    input y : i32[N];
    param u[N, K];
    h = tanh(x @ w);
    a = softmax(h, axis=1) + log_softmax(h) + transpose(transpose(h));
    b = logsumexp(h, axis=0) + max(h, axis=0) + min(h, axis=0) + mean(h, axis=0);
    c = sum(x * u, axis=0) + sum(u, axis=0) @ (w @ transpose(w));
    d = transpose(x) @ x + transpose(x) @ transpose(transpose(x));
    l = cross_entropy(h, y) + sum(a) + sum(b) + sum(c) + sum(d) + sum(sqrt(abs(x)) ** 2);
    output l, h;
    grad l wrt w, u;
}
"""


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r'"(\\.|[^"\\])*"', " ", text)


def header_names(d):
    """Identifiers declared by the headers the generated files include, and the macros of every
    standard header."""
    with open(os.path.join(d, "hdr.c"), "w") as f:
        f.write("#include <math.h>\n#include <stddef.h>\n#include <stdint.h>\n"
                "#include \"morchrt.h\"\n")
    p = common.run(common.CC + ["-std=c99", "-E", "-P", "-I" + common.RUNTIME, "hdr.c"], d)
    if p.returncode != 0:
        common.fail("cannot preprocess the headers: " + p.stderr.decode())
    names = set(IDENT.findall(p.stdout.decode()))
    with open(os.path.join(d, "std.c"), "w") as f:
        f.write("".join("#include <%s>\n" % h for h in STD_HEADERS))
        f.write('#include "morchrt.h"\n')
    for std in ("-std=c99", "-std=gnu99"):
        p = common.run(common.CC + [std, "-dM", "-E", "-I" + common.RUNTIME, "std.c"], d)
        if p.returncode != 0:
            common.fail("cannot list the macros: " + p.stderr.decode())
        names |= {m.group(1) for m in re.finditer(r"^#define ([A-Za-z_]\w*)", p.stdout.decode(),
                                                  re.M)}
    return names


def generated_names(d):
    """Every identifier of the C morchgen writes for SAMPLE, at -O0 and -O2, with --reflect."""
    with open(os.path.join(d, "sample.morch"), "w") as f:
        f.write(SAMPLE)
    names = set()
    for level in ("-O0", "-O2"):
        common.morchgen([level, "--reflect", "sample.morch", "-o", "sample.c"], d, flags=False)
        for out in ("sample.c", "sample.h"):
            names |= set(IDENT.findall(strip_comments(open(os.path.join(d, out)).read())))
    return names


def public_names(graph):
    return ["%s_%s" % (graph, s) for s in
            ("forward", "grad", "workspace_bytes", "WORKSPACE_BYTES", "info", "info_args",
             "info_sizes", "info_outs", "info_grads", "info_wrt", "info_upstream",
             "info_dims_0", "info_forward", "forward_k0", "forward_k1", "grad_k0", "grad_k2")]


class Module:
    """Graphs that use each name of `names` in every role; `plain` maps each to n<i> instead,
    for the twin."""

    def __init__(self, names, plain):
        self.plain = plain
        self.graphs = []
        self.index = {s: i for i, s in enumerate(names)}

    def nm(self, s):
        if not self.plain:
            return s
        return "n%d" % self.index.setdefault(s, len(self.index))

    def add(self, text):
        self.graphs.append(text)

    def text(self):
        return "\n".join(self.graphs)


def chunks(seq, n):
    return [seq[i:i + n] for i in range(0, len(seq), n)]


def build_module(names, extra, plain):
    """names: tried in every role; extra: (role, name) pairs, the combinations."""
    m = Module(names + [n for _, n in extra if n not in names], plain)
    nm = m.nm
    for k, group in enumerate(chunks(names, 16)):  # sizes: at most 16 per graph, 4 a tensor
        dims = chunks([nm(s) for s in group], 4)
        body = "".join("    input zq_a%d[%s];\n" % (i, ", ".join(g)) for i, g in enumerate(dims))
        terms = " + ".join("sum(zq_a%d)" % i for i in range(len(dims)))
        m.add("graph sz_%d {\n%s    zq_v = %s;\n    output zq_v;\n}\n" % (k, body, terms))
    for k, group in enumerate(chunks(names, 100)):
        ins = "".join("    input %s[2];\n" % nm(s) for s in group)
        m.add("graph in_%d {\n%s    zq_v = sum(%s);\n    output zq_v;\n}\n"
              % (k, ins, " * 0.5 + ".join(nm(s) for s in group)))
        ps = "".join("    param %s;\n" % nm(s) for s in group)
        m.add("graph pa_%d {\n%s    zq_v = (%s);\n    output zq_v;\n    grad zq_v wrt %s;\n}\n"
              % (k, ps, " + ".join("%s * %s" % (nm(s), nm(s)) for s in group),
                 ", ".join(nm(s) for s in group)))
        vals, prev = [], "zq_x"
        for s in group:
            vals.append("    %s = exp(%s * 0.25) - 1;\n" % (nm(s), prev))
            prev = nm(s)
        m.add("graph va_%d {\n    input zq_x[ZQ_N];\n%s    output %s;\n}\n"
              % (k, "".join(vals), prev))
        outs = "".join("    %s = zq_x * %d;\n" % (nm(s), i + 1) for i, s in enumerate(group))
        m.add("graph ou_%d {\n    param zq_x[2];\n%s    output %s;\n    grad %s wrt zq_x;\n}\n"
              % (k, outs, ", ".join(nm(s) for s in group), nm(group[0])))
    # combinations: a value named like the C name of an output, a gradient, an upstream
    # gradient; params named like other graphs' functions, macros, kernels and statics
    by_role = {}
    for role, s in extra:
        by_role.setdefault(role, []).append(s)
    for k, group in enumerate(chunks(by_role.get("param", []), 100)):
        ps = "".join("    param %s;\n" % nm(s) for s in group)
        m.add("graph cp_%d {\n%s    zq_v = %s;\n    output zq_v;\n    grad zq_v wrt %s;\n}\n"
              % (k, ps, " + ".join(nm(s) for s in group), ", ".join(nm(s) for s in group)))
    m.add("graph cv {\n    param p[3];\n    input x[3];\n    input %s[3];\n"
          "    %s = p * 2;\n    %s = %s * x;\n    y = exp(%s) + %s;\n    output y;\n"
          "    grad y wrt p;\n}\n"
          % (nm("up_y"), nm("out_y"), nm("d_p"), nm("out_y"), nm("d_p"), nm("up_y")))
    return m


def morch_accepts(d, names):
    """The names morchgen takes as input names (not keywords or function names)."""
    names = sorted(names)
    while True:
        text = "".join("graph g%d {\n    input %s;\n    v = %s * 2;\n    output v;\n}\n"
                       % (i, s, s) for i, s in enumerate(names))
        with open(os.path.join(d, "probe.morch"), "w") as f:
            f.write(text)
        p = common.run([common.MORCHGEN, "--emit=ir", "probe.morch"], d)
        if p.returncode == 0:
            return names
        bad = {int(l) // 5 for l in re.findall(r"^probe\.morch:(\d+):", p.stderr.decode(), re.M)}
        if not bad:
            common.fail("morchgen rejects the probe: " + p.stderr.decode()[:2000])
        names = [s for i, s in enumerate(names) if i not in bad]


RUN_ALL = r"""
#include <stdio.h>
#include <stdlib.h>
#include "morchrt.h"

extern const morch_graph_info *const TABLE[];

/* Fills a tensor with values that depend on its position only, calls every graph and prints
 * every result in hex, for comparing two modules to the bit. */
static void *tensor(const morch_tensor_info *t, const int64_t *sizes, int seed)
{
	int64_t n = morch_numel(t, sizes);
	size_t elem = t->dtype == MORCH_F64 ? 8 : 4;
	unsigned char *p = calloc((size_t)n + 1, elem);
	for (int64_t i = 0; i < n; i++) {
		double v = (double)((i * 7 + seed * 3) % 11) / 16 - 0.3;
		if (t->dtype == MORCH_F32)
			((float *)p)[i] = (float)v;
		else if (t->dtype == MORCH_F64)
			((double *)p)[i] = v;
		else
			((int32_t *)p)[i] = (int32_t)(i % 2);
	}
	return p;
}

static void show(const char *what, const morch_tensor_info *t, const int64_t *sizes, void *p)
{
	int64_t n = morch_numel(t, sizes);
	printf("%s:", what);
	for (int64_t i = 0; i < n; i++)
		printf(" %a", t->dtype == MORCH_F32 ? (double)((float *)p)[i] : ((double *)p)[i]);
	printf("\n");
}

int main(void)
{
	for (int g = 0; TABLE[g]; g++) {
		const morch_graph_info *G = TABLE[g];
		int64_t sizes[MORCH_MAX_SIZES];
		for (int i = 0; i < G->nsizes; i++)
			sizes[i] = 2 + i % 3;
		void *args[512], *outs[512], *grads[512];
		for (int i = 0; i < G->nargs; i++)
			args[i] = tensor(&G->args[i], sizes, i);
		for (int i = 0; i < G->nouts; i++)
			outs[i] = tensor(&G->outs[i], sizes, 0);
		void *ws = morch_alloc(G->workspace_bytes(sizes));
		G->forward(sizes, (const void *const *)args, outs, ws);
		printf("graph %d\n", g);
		for (int i = 0; i < G->nouts; i++)
			show("out", &G->outs[i], sizes, outs[i]);
		if (G->has_grad) {
			void *up = G->upstream ? tensor(G->upstream, sizes, 5) : NULL;
			for (int i = 0; i < G->nwrt; i++)
				grads[i] = tensor(&G->grads[i], sizes, 0);
			G->grad(sizes, (const void *const *)args, outs, up, grads, ws);
			for (int i = 0; i < G->nouts; i++)
				show("out", &G->outs[i], sizes, outs[i]);
			for (int i = 0; i < G->nwrt; i++)
				show("grad", &G->grads[i], sizes, grads[i]);
		}
		morch_free(ws);
	}
	return 0;
}
"""

HEADER_CHECK = "".join("#include <%s>\n" % h for h in STD_HEADERS) + \
    '#include "reserved.h"\n#include "reserved.h"\nint main(void) { return 0; }\n'
CXX_HEADER_CHECK = "".join("#include <%s>\n" % h for h in STD_HEADERS
                           if h not in ("complex.h", "tgmath.h")) + \
    '#include "reserved.h"\nint main() { return 0; }\n'


def output_of(d, exe):
    p = common.run(["./" + exe], d)
    if p.returncode != 0:
        common.fail("%s: status %d\n%s" % (exe, p.returncode, p.stderr.decode()[:3000]))
    return p.stdout


def main():
    with common.Scratch() as d:
        found = header_names(d) | generated_names(d) | set(CXX_KEYWORDS) | set(PROGRAM_MACROS)
        names = morch_accepts(d, {s for s in found if not s.lower().startswith("zq")})
        if len(names) < 500:
            common.fail("only %d names found to try" % len(names))
        # the combinations: graph names of the module and the names derived from them
        probe = build_module(names, [], False)
        graphs = re.findall(r"^graph (\w+)", probe.text(), re.M)
        publics = [p for g in graphs for p in public_names(g)]
        extra = [("param", p) for p in publics + ["reserved_graphs", "RESERVED_H_INCLUDED",
                                                  "MORCH_NOINLINE", "out_zq_v", "d_zq_x", "up_zq_v"]]
        extra = [(r, s) for r, s in dict.fromkeys(extra) if s not in names]
        with open(os.path.join(d, "run_all.c"), "w") as f:
            f.write(RUN_ALL)
        with open(os.path.join(d, "hcheck.c"), "w") as f:
            f.write(HEADER_CHECK)
        with open(os.path.join(d, "hcheck.cc"), "w") as f:
            f.write(CXX_HEADER_CHECK)
        cxx = shutil.which("g++") or shutil.which("c++")
        # -O2 fuses, -O0 gives every value its own buffer (and C name): on fewer names, so the
        # C compiler's time stays reasonable
        for level, tried in (("-O2", names), ("-O0", names[:300])):
            for plain in (False, True):
                m = build_module(tried, extra, plain)
                with open(os.path.join(d, ("twin" if plain else "reserved") + ".morch"), "w") as f:
                    f.write(m.text())
            for name in ("reserved", "twin"):
                common.morchgen([level, "--reflect", name + ".morch"], d, flags=False)
            text = open(os.path.join(d, "reserved.c")).read()
            if not all(g in text for g in ("sz_0_forward", "cv_grad")):
                common.fail("reserved.c lacks graphs")
            for std, only in (("-std=c99", "-c"), ("-std=gnu99", "-fsyntax-only")):
                common.compile_c(d, ["reserved.c"], extra=[std, "-O0", only],
                                 what="reserved.c (%s, %s)" % (level, std))
                common.compile_c(d, ["hcheck.c"], extra=[std, "-O0", "-fsyntax-only"],
                                 what="reserved.h after the standard headers (%s)" % std)
            if cxx:
                p = common.run([cxx, "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                                "-I" + common.RUNTIME, "-I.", "hcheck.cc"], d)
                if p.returncode != 0:
                    common.fail("reserved.h under C++: " + p.stderr.decode()[:3000])
            results = []
            for name in ("reserved", "twin"):
                obj = "reserved.o" if name == "reserved" else "twin.c"
                common.compile_c(d, ["run_all.c", obj], out="run_" + name,
                                 extra=["-O0", "-DTABLE=%s_graphs" % name])
                results.append(output_of(d, "run_" + name))
            if results[0] != results[1]:
                common.fail("%s: the results differ from the twin's with plain names" % level)
        print("PASS: %d names in every role, %d more as params, %d graphs at -O2%s"
              % (len(names), len(extra), len(graphs),
                 "" if cxx else " (no C++ compiler: header not tried as C++)"))

main()
