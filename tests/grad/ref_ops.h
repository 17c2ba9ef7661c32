/* ref_ops.h: a small, slow, obviously-right array library in double, written independently of
 * morchgen, that ref_check.c composes into the expected forward value of each graph. Shapes
 * follow numpy, so a result carries the shape the generated code must report too.
 *
 * Every result lives until arr_free_all(); a misuse (shapes that do not fit) fails the test. */
#ifndef GRAD_REF_OPS_H
#define GRAD_REF_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "harness.h"

typedef struct Arr {
	int rank;
	int64_t dim[MAX_RANK];
	int64_t n;
	double *p;
} Arr;

typedef enum RefOp {
	/* unary */
	R_NEG, R_EXP, R_LOG, R_SQRT, R_TANH, R_SIGMOID, R_RELU, R_ABS,
	/* binary, broadcasting; R_EQ and R_GT give 1 or 0 */
	R_ADD, R_SUB, R_MUL, R_DIV, R_POW, R_MAXIMUM, R_MINIMUM, R_EQ, R_GT,
	/* reductions */
	R_SUM, R_MEAN, R_MAX, R_MIN,
	/* along one axis */
	R_SOFTMAX, R_LOG_SOFTMAX, R_LOGSUMEXP,
} RefOp;

enum { ALL_AXES = 100 };

void arr_free_all(void);

Arr arr_new(int rank, const int64_t *dim);
Arr arr_scalar(double v);
Arr arr_of_arg(const Run *r, int i); /* an f64 or i32 argument of the run */
int64_t run_size(const Run *r, const char *name); /* the value of a size name */

Arr ref_unary(RefOp op, Arr x);
Arr ref_binary(RefOp op, Arr a, Arr b);
Arr ref_reduce(RefOp op, Arr x, int axis, bool keepdims); /* axis may be ALL_AXES or < 0 */
Arr ref_along(RefOp op, Arr x, int axis, bool keepdims);  /* keepdims: logsumexp only */
Arr ref_matmul(Arr a, Arr b);                             /* numpy's matmul, ranks 1 to 3 */
Arr ref_transpose(Arr x);
Arr ref_reshape(Arr x, int rank, const int64_t *dim);
Arr ref_cross_entropy(Arr logits, const int32_t *labels);
Arr ref_onehot(const int32_t *labels, int64_t n, int64_t classes);

/* Shorthands for closed forms. */
Arr add(Arr a, Arr b);
Arr sub(Arr a, Arr b);
Arr mul(Arr a, Arr b);
Arr dvd(Arr a, Arr b);
Arr num(double v);

#endif
