// The port controls a scenario uses (RaiseInterrupt, AdvanceTicks, CurrentLevel, ...), as
// harness_env.h beside it, the host's: the host port's own (arch/host/include/tandem/host/
// host_port.h). The arm64 scenario images get tests/target_scenarios/include/scenario_port.h
// instead, which implements the same calls on the real port: the scenario sources include this
// name, never the host port's header, so no test header stands in for a product header.
#ifndef TANDEM_TESTS_CONFORMANCE_HARNESS_HOST_SCENARIO_PORT_H_
#define TANDEM_TESTS_CONFORMANCE_HARNESS_HOST_SCENARIO_PORT_H_

#include "tandem/host/host_port.h"

#endif  // TANDEM_TESTS_CONFORMANCE_HARNESS_HOST_SCENARIO_PORT_H_
