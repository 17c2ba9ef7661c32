# tests/selfcheck.mk: morchgen --emit=test. The self-check programs of the examples and of the
# test graphs build with the strict flags and pass (sanitized.sh, grad.sh, grad_f32.sh); each
# kind of corruption of generated code makes one fail (mutate.sh); the command line (cli.sh).
# The scripts run morchgen and $CC themselves, so a missing sanitizer is a note, not a failure.
TESTS += \
	tests/selfcheck/sanitized.sh \
	tests/selfcheck/grad.sh \
	tests/selfcheck/grad_f32.sh \
	tests/selfcheck/mutate.sh \
	tests/selfcheck/cli.sh
EXTRA_DIST += \
	tests/selfcheck/common.sh \
	tests/selfcheck/sanitized.sh \
	tests/selfcheck/grad.sh \
	tests/selfcheck/grad_f32.sh \
	tests/selfcheck/mutate.sh tests/selfcheck/mutants.morch tests/selfcheck/dump_grads.c \
	tests/selfcheck/cli.sh
