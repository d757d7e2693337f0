#include <iostream>

#include "startup.h"

int main(int argc, char** argv) {
  return tandemd::RunTandemd(argc, argv, libtandem::OpenXenBackend, std::cout, std::cerr);
}
