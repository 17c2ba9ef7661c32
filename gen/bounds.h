/* bounds.h: every limit morchgen puts on its input, in one place. Past each one morchgen
 * reports an error (located when it can be) instead of exhausting the stack or the memory. */
#ifndef MORCH_BOUNDS_H
#define MORCH_BOUNDS_H

/* The largest source file (also from standard input): lines and columns stay far from INT_MAX,
 * and the whole file is in memory at once. */
#define MAX_SOURCE_BYTES (64L << 20)

/* The longest name (of a graph, value, input, param or size). */
#define MAX_NAME 1024

/* How deeply an expression nests: each unary minus, right operand of **, parenthesis, call and
 * list opens a level. Chains of + - * / @ open none, so a sum may have any number of terms. */
#define MAX_NEST 256

/* How deeply grad(y, x) nests inside the y of another grad(y, x): each level differentiates
 * the graph of the one inside, multiplying its size. */
#define MAX_GRAD_NEST 8

/* The most IR nodes one graph may reach as it is built and differentiated (a node is about
 * 300 bytes): differentiation multiplies sizes, so a short file can ask for a huge graph. */
#define MAX_NODES (1 << 20)

/* How much of a long number or line a message quotes. */
#define MAX_QUOTE 64

#endif
