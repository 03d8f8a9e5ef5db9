#!/bin/sh
# Harness self-test (ctest e2e_selftest_harness): this one passes...
echo "selftest: this test passes"
exit 0
