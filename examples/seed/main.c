/* main.c: runs the seed notebook's graph, compiled ahead of time by morchgen from seed.morch,
 * and prints the value and both gradients in the notebook's layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morchrt.h"
#include "seed.h"

/* One number as numpy prints it at precision 5: rounded, trailing zeros dropped. */
static void fmt5(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.5f", v);
	char *end = buf + strlen(buf);
	while (end[-1] == '0')
		*--end = 0;
}

/* A 3x3 matrix the way numpy prints it: columns padded so the decimal points line up. */
static void print_matrix(const char *label, const double *m)
{
	char cell[9][32];
	int int_w = 0, frac_w = 0;
	for (int i = 0; i < 9; i++) {
		fmt5(cell[i], sizeof cell[i], m[i]);
		int iw = (int)(strchr(cell[i], '.') - cell[i]);
		int fw = (int)strlen(cell[i]) - iw - 1;
		int_w = iw > int_w ? iw : int_w;
		frac_w = fw > frac_w ? fw : frac_w;
	}
	int indent = (int)strlen(label) + 4; /* under the inner bracket */
	printf("%s = [", label);
	for (int r = 0; r < 3; r++) {
		printf("%*s[", r ? indent : 0, "");
		for (int c = 0; c < 3; c++) {
			const char *s = cell[r * 3 + c];
			int iw = (int)(strchr(s, '.') - s);
			int fw = (int)strlen(s) - iw - 1;
			printf("%s%*s%s%*s", c ? " " : "", int_w - iw, "", s, frac_w - fw, "");
		}
		printf("]%s\n", r == 2 ? "]" : "");
	}
}

/* The shortest decimal that reads back as v, like Python's repr. */
static void print_repr(const char *label, double v)
{
	char buf[32];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	printf("%s = %s\n", label, buf);
}

int main(void)
{
	/* The notebook's inputs: a = arange(9).reshape(3, 3), b = a / 8. */
	float a[9], b[9], t, da[9], db[9];
	double a64[9], b64[9], t64, da64[9], db64[9], show[9];
	for (int i = 0; i < 9; i++) {
		a[i] = (float)(a64[i] = i);
		b[i] = (float)(b64[i] = i / 8.0);
	}

	/* float: a static workspace, sized when the graph was compiled */
	static unsigned char ws[seed_WORKSPACE_BYTES] MORCH_ALIGNED;
	seed_grad(a, b, &t, da, db, ws);
	printf("float32:\n");
	char buf[32];
	fmt5(buf, sizeof buf, t);
	printf("t = %s\n", buf);
	for (int i = 0; i < 9; i++)
		show[i] = da[i];
	print_matrix("dt/da", show);
	for (int i = 0; i < 9; i++)
		show[i] = db[i];
	print_matrix("dt/db", show);

	/* double: a workspace from the runtime */
	void *ws64 = morch_alloc(seed64_workspace_bytes());
	if (!ws64) {
		fprintf(stderr, "seed: out of memory\n");
		return 1;
	}
	seed64_grad(a64, b64, &t64, da64, db64, ws64);
	morch_free(ws64);
	printf("\nfloat64:\n");
	print_repr("t", t64);
	print_matrix("dt/da", da64);
	print_matrix("dt/db", db64);
	return 0;
}
