# docs/: the documentation pages, installed in $(docdir), and a test that runs their examples.
dist_doc_DATA += \
	docs/language.md \
	docs/ops.md \
	docs/c-api.md \
	docs/internals.md \
	docs/benchmarks.md \
	docs/performance.md \
	docs/selfcheck.md \
	docs/reliability.md \
	docs/vmath.md

# Every .morch graph, C caller, header excerpt and IR dump in the pages is checked.
TESTS += docs/check-examples.sh
EXTRA_DIST += docs/check-examples.sh
