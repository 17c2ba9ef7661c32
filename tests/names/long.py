"""long.py: names of about 1000 characters (sizes, inputs, params, values, outputs) work end to
end. Two size names share a 990-character prefix, and a third is that prefix cut to 511
characters, so a printer that cuts a name short turns it into another size and the loop bounds
go wrong. The graph is compiled with -Werror and run (also under ASan and UBSan); its results
must equal, bit for bit, those of the same graph with short names, and the sums hand-computed by
the caller."""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

GRAPH = """graph {G} {{
    input {X}[{A}, {B}];
    param {W}[{B}, {C}];
    input {Y}[{D}];
    input {Z}[{E}];
    {H} = tanh({X} @ {W});
    {S} = softmax({H}, axis=1);
    {O} = sum({S} * {H}) + mean({X}) + sum({Y}) * 2 + sum({Z});
    {R} = sum({X}, axis=0);
    output {O}, {R}, {H};
    grad {O} wrt {W}, {X};
}}
"""

PREFIX = "s" + "q" * 989
LONG = {
    "G": "lg",
    "A": PREFIX + "a" * 10, "B": PREFIX + "b" * 10, "C": "c" * 1000,
    "D": PREFIX, "E": PREFIX[:511],
    "X": "x" * 1000, "W": "W" * 999 + "w", "Y": "y" * 1000, "Z": "z" * 1000,
    "H": "h" * 1000, "S": "S" * 1000, "O": "o" * 1000, "R": "r" * 1000,
}
SHORT = {k: (v if k == "G" else k) for k, v in LONG.items()}
SHORT["G"] = "sg"

CALLER = r"""
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "morchrt.h"
#include "long.h"
#include "short.h"

enum { A = 5, B = 37, C = 3, D = 40, E = 7 };
static float x[A * B], w[B * C], y[D], z[E];

typedef struct Out { float o[1], r[B], h[A * C], dw[B * C], dx[A * B]; } Out;

static int same(const char *what, const float *p, const float *q, size_t n)
{
	if (memcmp(p, q, n * sizeof *p) == 0)
		return 1;
	printf("%s differs between the long and the short names\n", what);
	return 0;
}

int main(void)
{
	for (int i = 0; i < A * B; i++) x[i] = (float)((i * 7) % 11) / 8 - 0.5f;
	for (int i = 0; i < B * C; i++) w[i] = (float)((i * 5) % 13) / 16 - 0.4f;
	for (int i = 0; i < D; i++) y[i] = (float)(i % 4) + 0.25f;
	for (int i = 0; i < E; i++) z[i] = (float)i;
	static Out lf, lg, sf, sgr;
	void *ws1 = morch_alloc(lg_workspace_bytes(A, B, C, D, E));
	void *ws2 = morch_alloc(sg_workspace_bytes(A, B, C, D, E));
	if (!ws1 || !ws2)
		return 2;
	lg_forward(A, B, C, D, E, x, w, y, z, lf.o, lf.r, lf.h, ws1);
	lg_grad(A, B, C, D, E, x, w, y, z, lg.o, lg.r, lg.h, lg.dw, lg.dx, ws1);
	sg_forward(A, B, C, D, E, x, w, y, z, sf.o, sf.r, sf.h, ws2);
	sg_grad(A, B, C, D, E, x, w, y, z, sgr.o, sgr.r, sgr.h, sgr.dw, sgr.dx, ws2);
	int ok = same("forward", (float *)&lf, (float *)&sf, 1 + B + A * C) &&
	         same("grad", (float *)&lg, (float *)&sgr, sizeof lg / sizeof(float));
	/* by hand: the column sums of x, and sum(y) * 2 + sum(z) inside o */
	for (int j = 0; j < B; j++) {
		double r = 0;
		for (int i = 0; i < A; i++)
			r += x[i * B + j];
		if (fabs(r - lf.r[j]) > 1e-4) {
			printf("column sum %d: %g, by hand %g\n", j, lf.r[j], r);
			ok = 0;
		}
	}
	double rest = 0, mean = 0, sh = 0;
	for (int i = 0; i < D; i++) rest += 2 * y[i];
	for (int i = 0; i < E; i++) rest += z[i];
	for (int i = 0; i < A * B; i++) mean += x[i] / (A * B);
	for (int i = 0; i < A; i++) { /* sum(softmax(h, axis=1) * h) */
		double m = -INFINITY, s = 0, t = 0;
		for (int j = 0; j < C; j++) m = fmax(m, lf.h[i * C + j]);
		for (int j = 0; j < C; j++) s += exp(lf.h[i * C + j] - m);
		for (int j = 0; j < C; j++) t += exp(lf.h[i * C + j] - m) / s * lf.h[i * C + j];
		sh += t;
	}
	if (fabs(lf.o[0] - (sh + mean + rest)) > 1e-3) {
		printf("o = %g, by hand %g\n", lf.o[0], sh + mean + rest);
		ok = 0;
	}
	morch_free(ws1);
	morch_free(ws2);
	return ok ? 0 : 1;
}
"""


def main():
    with common.Scratch() as d:
        for name, names in (("long", LONG), ("short", SHORT)):
            with open(os.path.join(d, name + ".morch"), "w") as f:
                f.write(GRAPH.format(**names))
            common.morchgen([name + ".morch"], d)
            common.compile_c(d, [name + ".c"], what=name + ".c")
        text = open(os.path.join(d, "long.c")).read()
        for key in ("A", "B", "C", "D", "E", "X", "W", "H"):
            if LONG[key] not in text:
                common.fail("long.c does not name %s in full" % key)
        with open(os.path.join(d, "main.c"), "w") as f:
            f.write(CALLER)
        builds = [("plain", [])]
        if common.sanitizers_work(d):
            builds.append(("sanitized", common.SANITIZE))
        else:
            print("note: no ASan/UBSan here; the plain build only")
        for what, extra in builds:
            common.compile_c(d, ["main.c", "long.c", "short.c"], out="main-" + what, extra=extra)
            p = common.run(["./main-" + what], d)
            if p.returncode != 0:
                common.fail("%s run: status %d\n%s%s" % (what, p.returncode, p.stdout.decode(),
                                                          p.stderr.decode()[:4000]))
        print("PASS: 1000-character names, %s" % ", ".join(b[0] for b in builds))


main()
