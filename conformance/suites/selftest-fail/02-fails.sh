#!/bin/sh
# ...and this one fails on purpose: the runner must exit non-zero and name it.
echo "selftest: this test fails on purpose"
exit 3
