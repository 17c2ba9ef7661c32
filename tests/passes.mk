# tests/passes.mk: the optimizer's rewrites, as golden IR dumps checked by hand (golden.sh).
TESTS += tests/passes/golden.sh
EXTRA_DIST += tests/passes/golden.sh \
	tests/passes/fold.morch tests/passes/fold.fold.expected tests/passes/fold.ir.expected \
	tests/passes/algebra.morch tests/passes/algebra.algebra.expected \
	tests/passes/algebra.ir.expected \
	tests/passes/cse.morch tests/passes/cse.cse.expected \
	tests/passes/dce.morch tests/passes/dce.dce.expected
