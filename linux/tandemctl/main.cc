// tandemctl over the real Xen libraries. Everything else is in cli.cc.
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  return tandemctl::RunTandemctl(argc, argv, libtandem::OpenXenBackend, std::cout, std::cerr,
                                 /*watchdog=*/true);
}
