#include "attribution/change_view.h"

#include "attribution/stored_calls.h"

namespace sgwatch {

Result<GroupDiff> change_diff(Store& store, const ChangeEntry& entry,
                              std::optional<Group>* after) {
  auto revision = store.revision(entry.revision);
  if (!revision) return tl::unexpected(revision.error());
  if (!*revision) {
    return fail(ErrorCode::kNotFound,
                "the revision of change " + std::to_string(entry.revision) + " is gone");
  }
  auto before = store.previous_revision(**revision);
  if (!before) return tl::unexpected(before.error());
  const Group* previous = *before && (*before)->content ? &*(*before)->content : nullptr;
  const Group* current = (*revision)->content ? &*(*revision)->content : nullptr;
  auto changed = diff(previous, current);
  if (!changed) {
    // Revisions are written only when content changed; an empty diff means a damaged store.
    return fail(ErrorCode::kIo, "revision " + std::to_string(entry.revision) + " of " +
                                    entry.group.str() + " does not differ from the one before");
  }
  // Revisions are stored without rule ids; the ids sgwatch learned are kept apart.
  auto ids = store.rule_ids(entry.scope, entry.group);
  if (!ids) return tl::unexpected(ids.error());
  auto attach = [&](Rule& rule) {
    auto known = ids->find(rule.key_string());
    if (!rule.id && known != ids->end()) rule.id = known->second;
  };
  for (Rule& rule : changed->added) attach(rule);
  for (Rule& rule : changed->removed) attach(rule);
  for (RuleModification& change : changed->modified) {
    attach(change.before);
    attach(change.after);
  }
  if (after) *after = (*revision)->content;
  return std::move(*changed);
}

Result<ChangeView> load_change(Store& store, const ChangeEntry& entry) {
  std::optional<Group> after;
  auto changed = change_diff(store, entry, &after);
  if (!changed) return tl::unexpected(changed.error());
  auto events = store.events_by_id(entry.event_ids);
  if (!events) return tl::unexpected(events.error());
  return ChangeView{entry, std::move(*changed), std::move(after), calls_of(*events)};
}

}  // namespace sgwatch
