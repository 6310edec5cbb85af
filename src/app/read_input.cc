#include "app/read_input.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace sgwatch {

Result<std::string> read_input(const std::string& path) {
  std::ostringstream content;
  if (path == "-") {
    content << std::cin.rdbuf();
    if (std::cin.bad()) return fail(ErrorCode::kIo, "cannot read standard input");
    return content.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kIo, "cannot open '" + path + "': " + std::strerror(errno));
  }
  content << in.rdbuf();
  if (in.bad()) {
    return fail(ErrorCode::kIo, "cannot read '" + path + "': " + std::strerror(errno));
  }
  return content.str();
}

}  // namespace sgwatch
