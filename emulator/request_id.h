// Request ids as AWS prints them: a random UUID per response.
#pragma once

#include <string>

namespace sgwatch::emulator {

std::string new_request_id();

}  // namespace sgwatch::emulator
