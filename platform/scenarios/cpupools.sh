#!/bin/sh
# dom0 scenario: shows where Xen runs what (platform/run --xen source --scenario
# platform/scenarios/cpupools.sh): the cpupools with their schedulers and CPUs, the domain in
# each, and each vCPU's pCPU. With the source-built Xen the RTOS is alone in its null-scheduler
# pool; with Debian's binary everything is in Pool-0 (credit2) and the RTOS is pinned.
# Exit status: non-zero when an xl command fails.
status=0
for cmd in "xl cpupool-list" "xl cpupool-list -c" "xl list -c" "xl vcpu-list"; do
  echo "CPUPOOLS: \$ $cmd"
  out=$($cmd 2>&1) || status=1
  echo "$out" | sed 's/^/CPUPOOLS:   /'
done
exit $status
