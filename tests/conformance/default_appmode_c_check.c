/* default_appmode.oil seen from C: the APPMODE std is a macro for OSDEFAULTAPPMODE there (C++
 * code has no macro std, which would hide namespace std; it names the mode OSDEFAULTAPPMODE). */
#include "os.h"

_Static_assert(std == OSDEFAULTAPPMODE, "the first declared APPMODE is OSDEFAULTAPPMODE");

AppModeType DefaultAppModeSeenFromC(void) { return std; }
