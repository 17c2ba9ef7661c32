# tests/errors.mk: morchgen on bad input. tests/errors/README.md says how to add a case.
#   messages.py  each file of tests/errors/cases: exit 1, its expected first line of stderr,
#                no output file created or touched
#   cli.py       the command line, unreadable inputs, unwritable outputs
#   mutate.py    mutated and extreme inputs end with exit 0 or 1, never a crash or a hang
ERROR_TESTS = tests/errors/messages.py tests/errors/cli.py tests/errors/mutate.py
TESTS += $(ERROR_TESTS)
EXTRA_DIST += $(ERROR_TESTS) tests/errors/morchtest.py tests/errors/README.md \
	tests/errors/cases tests/errors/valid
