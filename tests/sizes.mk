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
	tests/sizes/errors \
	tests/sizes/lines.sh \
	tests/sizes/lines.morch \
	tests/sizes/lines_driver.c \
	tests/sizes/determinism.sh \
	tests/sizes/README.md
