/* schedule.h: what one generated function does, in order: its kernels and its buffers.
 *
 * The IR says what to compute; a schedule says how. schedule.c groups the nodes one function
 * needs into kernels (fusion) and decides which values live in memory; plan.c gives each buffer
 * a live range and packs the workspace buffers into slots of one workspace. The emitter only
 * prints a schedule: each kernel becomes a small static C function.
 */
#ifndef MORCH_SCHEDULE_H
#define MORCH_SCHEDULE_H

#include "ir.h"

typedef enum FnKind { FN_FORWARD, FN_GRAD } FnKind;

typedef enum KernelKind {
	KER_LOOP,   /* one loop nest over `iter`: elementwise nodes, and reductions of them */
	KER_MATMUL, /* node[0] a matmul; node[1..] an elementwise epilogue applied row by row */
	KER_AXIS,   /* softmax, log_softmax or logsumexp along one axis */
	KER_OTHER,  /* transpose, cross_entropy, nll: one node */
	KER_COPY    /* a result that must also land in a second output pointer */
} KernelKind;

typedef struct Kernel {
	KernelKind kind;
	Shape iter;  /* KER_LOOP: the iteration shape */
	int *node;   /* in evaluation order */
	int nnodes, capnodes;
	int acc;     /* KER_MATMUL: the node whose buffer the product is accumulated in */
	int sink;    /* KER_COPY: index into Schedule.sink */
	int scratch; /* KER_MATMUL: the workspace buffer its packed panels use, or -1 */
} Kernel;

typedef enum BufKind {
	BUF_ARG,       /* an input, param or upstream pointer */
	BUF_OUTPUT,    /* an output or gradient pointer of the caller */
	BUF_WORKSPACE, /* a range of the caller's workspace, in a slot */
	BUF_LOCAL,     /* a scalar (or a constant some kernel reads from memory): a local array */
	BUF_VIEW       /* a reshape: the memory of another buffer */
} BufKind;

typedef struct Buffer {
	BufKind kind;
	int node;        /* whose value it holds */
	Dim size;        /* elements */
	int first, last; /* kernels that first write and last read it (-1: before the function) */
	int slot;        /* BUF_WORKSPACE: index into Schedule.slot */
	int base;        /* BUF_VIEW: the buffer it aliases (never itself a view) */
	int sink;        /* BUF_OUTPUT: index into Schedule.sink */
	bool scratch;    /* BUF_WORKSPACE: a kernel's own scratch (Kernel.scratch), not node's value */
} Buffer;

/* Workspace buffers whose live ranges do not overlap share a slot. */
typedef struct Slot {
	Dim size; /* elements: the largest buffer it holds */
} Slot;

typedef struct Sink {
	int node;
	int out; /* output index, or -1 - wrt index for a gradient */
} Sink;

typedef struct Schedule {
	const Graph *g;
	FnKind kind;
	Sink *sink;
	int nsinks;
	bool *live;     /* per node: this function needs it */
	int *kernel_of; /* per node: the kernel computing it, or -1 */
	int *buf_of;    /* per node: its buffer, or -1 (a register inside a kernel, or a literal) */
	Kernel *k;
	int nk, capk;
	Buffer *buf;
	int nbuf, capbuf;
	Slot *slot;
	int nslots, capslots;
} Schedule;

/* schedule.c: the kernels and buffers of one function. fuse = false gives one kernel per node
 * (morchgen -O0). */
Schedule *schedule_function(const Graph *g, FnKind kind, bool fuse);
bool node_computes(const Node *n);  /* not an input, constant or view */
int view_base(const Graph *g, int id);

/* How a matmul is written (emit_matmul.c): small products as plain loops, large ones with
 * their operands packed into panels of a scratch buffer, GotoBLAS-style blocked; with size
 * names not known until run time, both, chosen by the sizes. The blocking is fixed here because
 * the scratch's size, planned with the workspace, depends on it. */
typedef enum MatmulPath { MM_LOOPS, MM_PACKED, MM_EITHER } MatmulPath;
enum {
	MM_MR_LCM = 12,  /* a multiple of the micro-kernel's rows, 6 or 4 (by the target) */
	MM_NR_MAX_F32 = 32, MM_NR_MAX_F64 = 16, /* its columns: two vectors, at most 512-bit ones */
	MM_KC = 256,     /* depth of a packed block */
	MM_MC = 120,     /* rows of a packed block of A (a multiple of MM_MR_LCM) */
	MM_NC = 2048,    /* columns of a packed block of B (a multiple of every NR) */
	MM_SMALL = 32768 /* M * N * K below this (or a size below 4): plain loops */
};
/* The path of matmul node `id` of g; *pack is then the scratch's size in elements (an upper
 * bound over all sizes when some are names), 0 for MM_LOOPS. */
MatmulPath matmul_path(const Graph *g, int id, Dim *pack);

/* plan.c: live ranges and slots. share = false gives every buffer a slot of its own. */
void plan_memory(Schedule *s, bool share);
/* The most bytes of one tensor or workspace: int64_t element counts, size_t and ptrdiff_t
 * offsets on a 64-bit target. Generated code checks the same at run time (MORCH_MAX_BYTES). */
#define PLAN_MAX_BYTES ((uint64_t)INT64_MAX)
/* False when even a workspace holding every node of g, each of `elem` bytes an element,
 * would be within PLAN_MAX_BYTES: then no schedule's needs checking. */
bool plan_may_exceed(const Graph *g, size_t elem);
/* Reports an error and returns false when the workspace is a number beyond PLAN_MAX_BYTES. */
bool plan_check_bytes(const Schedule *s, size_t elem);
/* True when every slot's size is a number; *bytes is then the workspace size. Only after
 * plan_check_bytes. */
bool plan_fixed_bytes(const Schedule *s, size_t elem, size_t *bytes);
/* The byte offset of each slot when every size is a number (after plan_check_bytes). */
void plan_slot_offsets(const Schedule *s, size_t elem, size_t *off);

#endif
