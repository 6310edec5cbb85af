#include "app/cli.h"

namespace sgwatch {

int run_cli(int, const char* const*, std::ostream&, std::ostream& err) {
  err << "sgwatch: no commands yet\n";
  return 2;
}

}  // namespace sgwatch
