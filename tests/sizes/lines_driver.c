/* lines_driver.c: prints everything lines_grad computes for fixed inputs, exactly (%a), so
 * lines.sh can compare the code made with and without --line-directives. */
#include <stdio.h>

#include "morchrt.h"
#include "lines.h"

int main(void)
{
	enum { N = 3 };
	float x[N * 4], w[4 * 3], s, p[N * 3], dw[4 * 3];
	for (int i = 0; i < N * 4; i++)
		x[i] = (float)(i % 5) / 3 - 0.5f;
	for (int i = 0; i < 4 * 3; i++)
		w[i] = 0.25f - (float)(i % 7) / 6;
	void *ws = morch_alloc(lines_workspace_bytes(N));
	if (!ws)
		return 99;
	lines_grad(N, x, w, &s, p, dw, ws);
	morch_free(ws);
	printf("s %a\n", (double)s);
	for (int i = 0; i < N * 3; i++)
		printf("p[%d] %a\n", i, (double)p[i]);
	for (int i = 0; i < 4 * 3; i++)
		printf("d_w[%d] %a\n", i, (double)dw[i]);
	return 0;
}
