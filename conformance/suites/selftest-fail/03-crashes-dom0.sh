#!/bin/sh
# ...and this one crashes dom0 (sysrq 'c' = kernel panic): the host runner must notice the crash at once
# (not at its timeout), report this test as having no result and exit non-zero.
echo "selftest: crashing dom0 now"
sleep 1
echo c >/proc/sysrq-trigger
sleep 30
echo "selftest: still alive?"
exit 0
