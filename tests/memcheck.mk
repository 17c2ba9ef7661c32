# tests/memcheck.mk: valgrind memcheck over the built examples and over morchgen compiling their
# graphs (examples.sh). Skipped without valgrind and in --enable-sanitizers builds.
TESTS += tests/memcheck/examples.sh
EXTRA_DIST += tests/memcheck/examples.sh
