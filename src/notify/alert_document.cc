#include "notify/alert_document.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace sgwatch {
namespace {

template <typename T>
void append_unique(std::vector<T>& to, const std::vector<T>& values) {
  for (const T& value : values) {
    if (std::find(to.begin(), to.end(), value) == to.end()) to.push_back(value);
  }
}

}  // namespace

Alert compose_alert(const std::vector<Alert>& rows) {
  const Alert& first = rows.front();
  Alert alert{.destination = first.destination, .kind = first.kind, .scope = first.scope,
              .group = first.group};
  alert.created_at = first.created_at;
  alert.deliver_after = first.deliver_after;
  nlohmann::json items = nlohmann::json::array();
  for (const Alert& row : rows) {
    append_unique(alert.revisions, row.revisions);
    append_unique(alert.events, row.events);
    append_unique(alert.recipients, row.recipients);
    if (row.severity && (!alert.severity || *alert.severity < *row.severity)) {
      alert.severity = row.severity;
    }
    // A row's body was written by this program; one that does not parse is kept as text
    // rather than dropped, so the destination still hears of it.
    auto item = nlohmann::json::parse(row.body, nullptr, false);
    items.push_back(item.is_discarded() ? nlohmann::json(row.body) : std::move(item));
  }
  // For a single row this is the row's own id: it was computed from the same inputs.
  alert.id = alert_id(alert.destination, alert.kind, alert.scope, alert.group, alert.revisions,
                      alert.events);

  nlohmann::json document;
  document["schema"] = kAlertSchema;
  document["id"] = alert.id;
  document["kind"] = to_string(alert.kind);
  document["account"] = alert.scope.account.str();
  document["region"] = alert.scope.region.str();
  document["group_id"] = alert.group ? nlohmann::json(alert.group->str()) : nlohmann::json();
  const nlohmann::json& head = items.front();
  document["group_name"] = head.is_object() && head.contains("group_name") ? head["group_name"]
                                                                           : nlohmann::json();
  document["severity"] = alert.severity ? nlohmann::json(to_string(*alert.severity))
                                        : nlohmann::json();
  document["recipients"] = alert.recipients;
  document["items"] = std::move(items);
  alert.body = document.dump();
  return alert;
}

}  // namespace sgwatch
