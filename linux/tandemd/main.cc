#include <signal.h>

#include <iostream>

#include "startup.h"

int main(int argc, char** argv) {
  // Sockets are written with MSG_NOSIGNAL; this covers stderr too (a log reader that went away
  // must not kill the daemon).
  signal(SIGPIPE, SIG_IGN);
  return tandemd::RunTandemd(argc, argv, libtandem::OpenXenBackend, std::cout, std::cerr);
}
