# tests/limits.mk: morchgen at the limits of its input.
#   inputs.py   odd and extreme inputs: located errors at each stated limit, successes just
#               under them (on a 1 MB stack), the 64 MiB source bound
#   scaling.py  time and memory grow about linearly with the number of statements
LIMITS_TESTS = tests/limits/inputs.py tests/limits/scaling.py
TESTS += $(LIMITS_TESTS)
EXTRA_DIST += $(LIMITS_TESTS) tests/limits/shapes.py
