#include "unit_test.h"
