// How diffs, revisions and histories look on the terminal (text) and to scripts (JSON).
// Pure: builds strings and documents, writes nothing.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/output_format.h"
#include "core/diff.h"
#include "core/display_zone.h"
#include "state/store.h"

namespace sgwatch {

// One line per rule change, each starting with "+", "-" or "~", plus tag and field lines.
// `indent` prefixes every line.
std::string diff_text(const GroupDiff& diff, const std::string& indent);
nlohmann::json diff_json(const GroupDiff& diff);

// The group as it was in `revision`: header, tags and the rules by direction. Times are
// shown in `zone`.
std::string revision_text(const Revision& revision, const DisplayZone& zone);
nlohmann::json revision_json(const Revision& revision);

// Every revision, oldest first, each with its diff against the one before.
std::string history_text(const std::vector<Revision>& revisions, const DisplayZone& zone);
nlohmann::json history_json(const std::vector<Revision>& revisions);

// "sg-0123 (web)" or "sg-0123" when the name is unknown.
std::string group_label(const GroupId& id, const std::string& name);

}  // namespace sgwatch
