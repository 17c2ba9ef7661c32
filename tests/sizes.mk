# tests/sizes.mk: sizes at generation time (located errors for dims, element counts and
# workspaces too large to index) and at run time (the check every generated function with
# size names runs first), --line-directives, and byte-identical output.
TESTS += \
	tests/sizes/check.sh \
	tests/sizes/errors.sh \
	tests/sizes/lines.sh \
	tests/sizes/determinism.sh
EXTRA_DIST += \
	tests/sizes/common.sh \
	tests/sizes/check.sh \
	tests/sizes/check_test.c \
	tests/sizes/sizes.morch \
	tests/sizes/errors.sh \
	tests/sizes/too-large/broadcast-too-large.morch \
	tests/sizes/too-large/decl-beyond-int64.morch \
	tests/sizes/too-large/decl-int64-max.morch \
	tests/sizes/too-large/decl-square-of-2-32.morch \
	tests/sizes/too-large/matmul-too-large.morch \
	tests/sizes/too-large/reshape-count-overflows.morch \
	tests/sizes/too-large/reshape-infer-overflows.morch \
	tests/sizes/too-large/reshape-symbolic-overflows.morch \
	tests/sizes/lines.sh \
	tests/sizes/lines.morch \
	tests/sizes/lines_driver.c \
	tests/sizes/determinism.sh \
	tests/sizes/README.md
