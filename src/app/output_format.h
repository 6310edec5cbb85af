// How a command prints its results: sentences for people or JSON for scripts (--output).
#pragma once

namespace sgwatch {

enum class OutputFormat { kText, kJson };

}  // namespace sgwatch
