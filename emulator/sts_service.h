// The emulator's STS: GetCallerIdentity, AssumeRole (with ExternalId) and
// AssumeRoleWithWebIdentity, in the Query protocol with STS's XML.
#pragma once

#include <optional>
#include <string>

#include "emulator/caller.h"
#include "emulator/http_types.h"
#include "emulator/identities.h"

namespace sgwatch::emulator {

class StsService {
 public:
  explicit StsService(Identities& identities) : identities_(identities) {}

  // `caller` is absent for unsigned requests, which only AssumeRoleWithWebIdentity accepts.
  Response handle(const std::optional<Caller>& caller, const Params& params);

 private:
  Identities& identities_;
};

// STS's error document: <ErrorResponse><Error><Type/><Code/><Message/></Error>...
Response sts_error(int status, const std::string& code, const std::string& message);

}  // namespace sgwatch::emulator
