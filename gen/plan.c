/* plan.c: memory planning. Each buffer is live from the kernel that writes it to the last kernel
 * that reads it; workspace buffers are packed into slots by interval colouring over the kernel
 * order, as a linear-scan register allocator does. Sizes are monomials in the size names, so a
 * buffer may only share a slot whose size has the same powers of the same names (then their
 * coefficients compare, and the slot grows to the larger); a buffer is never put in a slot that
 * a buffer read by its own kernel still holds, so kernel arguments never overlap.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "schedule.h"
#include "util.h"

static int resolve(const Schedule *s, int b)
{
	return s->buf[b].kind == BUF_VIEW ? s->buf[b].base : b;
}

static void read_by(Schedule *s, int node, int k)
{
	int b = s->buf_of[node];
	if (b < 0)
		return;
	b = resolve(s, b);
	if (s->buf[b].last < k)
		s->buf[b].last = k;
}

static void live_ranges(Schedule *s)
{
	const Graph *g = s->g;
	for (int b = 0; b < s->nbuf; b++) {
		Buffer *B = &s->buf[b];
		B->first = B->kind == BUF_ARG || B->kind == BUF_VIEW ? -1 : s->kernel_of[B->node];
		B->last = B->first;
	}
	/* a kernel reads the operands of every node in its list (deferred nodes are in several) */
	for (int k = 0; k < s->nk; k++) {
		const Kernel *K = &s->k[k];
		for (int p = 0; p < K->nnodes; p++) {
			const Node *n = &g->node[K->node[p]];
			for (int j = 0; j < op_info[n->op].arity; j++)
				read_by(s, n->src[j], k);
		}
	}
	for (int k = 0; k < s->nk; k++)
		if (s->k[k].kind == KER_COPY)
			read_by(s, s->sink[s->k[k].sink].node, k);
}

static bool same_powers(const Dim *a, const Dim *b)
{
	return memcmp(a->exp, b->exp, sizeof a->exp) == 0;
}

typedef struct Busy {
	int until; /* last kernel reading the slot's current buffer */
} Busy;

/* qsort has no context argument; planning is single-threaded. */
static const Schedule *sort_ctx;

static int by_first(const void *pa, const void *pb)
{
	int a = *(const int *)pa, b = *(const int *)pb;
	const Buffer *A = &sort_ctx->buf[a], *B = &sort_ctx->buf[b];
	if (A->first != B->first)
		return A->first < B->first ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* The free slot that fits best: the smallest at least as big, else the biggest (it grows). */
static int pick_slot(const Schedule *s, const Busy *busy, const Buffer *B)
{
	int best = -1;
	bool best_fits = false;
	for (int i = 0; i < s->nslots; i++) {
		const Slot *S = &s->slot[i];
		if (busy[i].until >= B->first || !same_powers(&S->size, &B->size))
			continue;
		bool fits = S->size.coef >= B->size.coef;
		if (best < 0 || (fits && !best_fits) ||
		    (fits && best_fits && S->size.coef < s->slot[best].size.coef) ||
		    (!fits && !best_fits && S->size.coef > s->slot[best].size.coef)) {
			best = i;
			best_fits = fits;
		}
	}
	return best;
}

void plan_memory(Schedule *s, bool share)
{
	live_ranges(s);
	int *order = arena_alloc(sizeof *order * (size_t)(s->nbuf + 1));
	int n = 0;
	for (int b = 0; b < s->nbuf; b++)
		if (s->buf[b].kind == BUF_WORKSPACE)
			order[n++] = b;
	sort_ctx = s;
	qsort(order, (size_t)n, sizeof *order, by_first);
	Busy *busy = NULL;
	int capbusy = 0, nbusy = 0;
	for (int i = 0; i < n; i++) {
		Buffer *B = &s->buf[order[i]];
		int slot = share ? pick_slot(s, busy, B) : -1;
		if (slot < 0) {
			Slot S = { B->size };
			ARRAY_PUSH(s->slot, s->nslots, s->capslots, S);
			ARRAY_PUSH(busy, nbusy, capbusy, ((Busy){ -1 }));
			slot = s->nslots - 1;
		}
		if (s->slot[slot].size.coef < B->size.coef)
			s->slot[slot].size.coef = B->size.coef;
		busy[slot].until = B->last;
		B->slot = slot;
	}
}

/* n rounded up to the workspace alignment, or PLAN_MAX_BYTES + 1 past the limit. */
static uint64_t slot_bytes(const Slot *S, size_t elem)
{
	uint64_t n = (uint64_t)S->size.coef;
	if (S->size.coef < 1 || n > PLAN_MAX_BYTES / elem || n * elem > PLAN_MAX_BYTES - 63)
		return PLAN_MAX_BYTES + 1;
	return (n * elem + 63) / 64 * 64;
}

/* The fixed part of the workspace up to and including slot `upto`, saturating just past the
 * limit: no sum here wraps. */
static uint64_t fixed_sum(const Schedule *s, size_t elem, int upto)
{
	uint64_t total = 0;
	for (int i = 0; i <= upto; i++) {
		uint64_t b = slot_bytes(&s->slot[i], elem);
		total = b > PLAN_MAX_BYTES - total ? PLAN_MAX_BYTES + 1 : total + b;
	}
	return total;
}

bool plan_fixed_bytes(const Schedule *s, size_t elem, size_t *bytes)
{
	for (int i = 0; i < s->nslots; i++)
		if (!dim_is_const(&s->slot[i].size))
			return false;
	uint64_t total = fixed_sum(s, elem, s->nslots - 1);
	if (total > PLAN_MAX_BYTES)
		unreachable("workspace beyond the limit: plan_check_bytes reports it first");
	*bytes = (size_t)total;
	return true;
}

void plan_slot_offsets(const Schedule *s, size_t elem, size_t *off)
{
	size_t at = 0; /* within the limit: plan_check_bytes has passed */
	for (int i = 0; i < s->nslots; i++) {
		off[i] = at;
		at += (size_t)slot_bytes(&s->slot[i], elem);
	}
}

bool plan_may_exceed(const Graph *g, size_t elem)
{
	uint64_t total = 0;
	for (int i = 0; i < g->nnodes; i++) {
		Slot S = { shape_count(&g->node[i].shape) };
		uint64_t b = slot_bytes(&S, elem);
		if (b > PLAN_MAX_BYTES - total)
			return true;
		total += b;
	}
	return false;
}

bool plan_check_bytes(const Schedule *s, size_t elem)
{
	for (int i = 0; i < s->nslots; i++)
		if (!dim_is_const(&s->slot[i].size))
			return true; /* the generated code checks its sizes at run time */
	for (int i = 0; i < s->nslots; i++) {
		if (fixed_sum(s, elem, i) <= PLAN_MAX_BYTES)
			continue;
		int b = 0;
		while (s->buf[b].kind != BUF_WORKSPACE || s->buf[b].slot != i)
			b++;
		char shape[256];
		const Node *n = &s->g->node[s->buf[b].node];
		error_at(n->loc, "the workspace of graph '%s' exceeds %llu bytes with this %s tensor",
		         s->g->name, (unsigned long long)PLAN_MAX_BYTES,
		         shape_str(s->g, &n->shape, shape, sizeof shape));
		return false;
	}
	return true;
}
