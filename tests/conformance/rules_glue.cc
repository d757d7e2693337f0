// The OSEK entry points of rules.oil.in, shared by the scenario sources built against it.
#include "scenario.h"

TANDEM_TEST_TASK(T1)
TANDEM_TEST_TASK(T2)
TANDEM_TEST_TASK(E2)
TANDEM_TEST_TASK(T3)
TANDEM_TEST_TASK(T4)
TANDEM_TEST_TASK(TTop)
TANDEM_TEST_ISR(ISR1)
