#!/bin/sh
# budget.sh: a regression guard for the optimizer. The seed and MLP examples must not gain
# kernels or workspace: the limits below are what the optimizer achieves today (lower them when
# it improves). At -O0 (MORCHGEN_FLAGS) there is nothing to guard.
. "$top_srcdir/tests/semantics/common.sh"

case " $MORCHGEN_FLAGS " in *" -O0 "*) skip "the optimizer is off (-O0)" ;; esac

# function: most kernels it may have
SEED_FORWARD_KERNELS=3
SEED_GRAD_KERNELS=4
MLP_FORWARD_KERNELS=4
MLP_GRAD_KERNELS=10
SEED_WORKSPACE_BYTES=128   # the f32 seed graph, fixed sizes
MLP_FLOATS_PER_ROW=112     # mlp_workspace_bytes(N) / (4 N) at N = 4096 (6 of them the
                           # packed panels of its large matmuls: one slot of 104 KiB)

"$MORCHGEN" $MORCHGEN_FLAGS -o "$tmp/seed.c" "$top_srcdir/examples/seed/seed.morch" || die "morchgen seed"
"$MORCHGEN" $MORCHGEN_FLAGS -o "$tmp/mlp.c" "$top_srcdir/examples/mlp/mlp.morch" || die "morchgen mlp"

status=0
kernels() { grep -c "^static .*void $1_k[0-9]*(" "$2"; }
check() { # what, value, limit
	if [ "$2" -gt "$3" ]; then
		echo "FAIL: $1 is $2, more than $3" >&2
		status=1
	else
		echo "ok: $1 is $2 (at most $3)"
	fi
}
check "kernels of seed_forward" "$(kernels seed_forward "$tmp/seed.c")" $SEED_FORWARD_KERNELS
check "kernels of seed_grad" "$(kernels seed_grad "$tmp/seed.c")" $SEED_GRAD_KERNELS
check "kernels of mlp_forward" "$(kernels mlp_forward "$tmp/mlp.c")" $MLP_FORWARD_KERNELS
check "kernels of mlp_grad" "$(kernels mlp_grad "$tmp/mlp.c")" $MLP_GRAD_KERNELS

cat >"$tmp/ws.c" <<'C'
#include <stdio.h>
#include "seed.h"
#include "mlp.h"
int main(void)
{
	printf("%zu %zu\n", seed_workspace_bytes(), mlp_workspace_bytes(4096) / (4 * 4096));
	return 0;
}
C
$CC -std=c99 $SAN_CFLAGS -I"$tmp" -I"$top_srcdir/runtime" "$tmp/ws.c" "$tmp/seed.c" "$tmp/mlp.c" \
	-lm -o "$tmp/ws" || die "cannot build the workspace probe"
set -- $("$tmp/ws")
check "seed_workspace_bytes()" "$1" $SEED_WORKSPACE_BYTES
check "mlp workspace floats per batch row" "$2" $MLP_FLOATS_PER_ROW
exit $status
