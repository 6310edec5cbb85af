#include "core/metrics.h"

#include <cassert>
#include <cmath>

#include <fmt/format.h>

namespace sgwatch {
namespace {

bool is_metric_name(std::string_view name, bool colons) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colons && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Label names starting with "__" are Prometheus's own. Only asserted, hence maybe_unused
// under NDEBUG.
[[maybe_unused]] bool is_label_name(std::string_view name) {
  return is_metric_name(name, false) && !name.starts_with("__");
}

}  // namespace

namespace metrics_detail {

FamilyBase::FamilyBase(std::string name, std::string help, MetricType type,
                       std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)) {}

void FamilyBase::check_arity([[maybe_unused]] size_t given) const {
  assert(given == label_names_.size() && "label values do not match the family's label names");
}

}  // namespace metrics_detail

struct MetricCollector::Slot {
  std::mutex mutex;  // held while a scrape calls `collect`, and while it is released
  MetricCollect collect;
};

MetricCollector& MetricCollector::operator=(MetricCollector&& other) noexcept {
  if (this != &other) {
    release();
    slot_ = std::move(other.slot_);
  }
  return *this;
}

MetricCollector::~MetricCollector() { release(); }

void MetricCollector::release() {
  if (!slot_) return;
  std::lock_guard lock(slot_->mutex);  // waits for a scrape calling it
  slot_->collect = nullptr;
  slot_.reset();
}

// A family whose samples come from collect functions. A released collector's slot is
// dropped at the next scrape.
class Metrics::CollectedFamily final : public metrics_detail::FamilyBase {
 public:
  using FamilyBase::FamilyBase;

  void add(std::shared_ptr<MetricCollector::Slot> slot) {
    std::lock_guard lock(mutex_);
    slots_.push_back(std::move(slot));
  }

  std::vector<MetricSample> samples() const override {
    std::vector<std::shared_ptr<MetricCollector::Slot>> slots;
    {
      std::lock_guard lock(mutex_);
      std::erase_if(slots_, [](const auto& slot) {
        std::lock_guard held(slot->mutex);
        return !slot->collect;
      });
      slots = slots_;
    }
    std::vector<MetricSample> out;
    for (const auto& slot : slots) {
      std::lock_guard held(slot->mutex);
      if (!slot->collect) continue;
      for (MetricSample& sample : slot->collect()) {
        check_arity(sample.labels.size());
        out.push_back(std::move(sample));
      }
    }
    std::stable_sort(out.begin(), out.end(), [](const MetricSample& a, const MetricSample& b) {
      return metrics_detail::LabelsLess()(a.labels, b.labels);
    });
    return out;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::vector<std::shared_ptr<MetricCollector::Slot>> slots_;
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

metrics_detail::FamilyBase& Metrics::family(std::string_view name, std::string_view help,
                                            MetricType type, std::vector<std::string> label_names,
                                            bool collected) {
  assert(is_metric_name(name, true) && "not a Prometheus metric name");
  assert((type != MetricType::kCounter || name.ends_with("_total")) &&
         "a counter's name ends in _total");
  for ([[maybe_unused]] const std::string& label : label_names) {
    assert(is_label_name(label) && "not a Prometheus label name");
  }
  std::lock_guard lock(mutex_);
  auto found = families_.find(name);
  if (found != families_.end()) {
    [[maybe_unused]] const auto& existing = *found->second;
    assert(existing.type() == type && existing.label_names() == label_names &&
           existing.help() == help && "a metric registered again differently");
    assert((dynamic_cast<const CollectedFamily*>(&existing) != nullptr) == collected &&
           "a metric both collected and counted");
    return *found->second;
  }
  std::unique_ptr<metrics_detail::FamilyBase> created;
  std::string owned_name(name);
  if (collected) {
    created = std::make_unique<CollectedFamily>(owned_name, std::string(help), type,
                                                std::move(label_names));
  } else if (type == MetricType::kCounter) {
    created = std::make_unique<CounterFamily>(owned_name, std::string(help), type,
                                              std::move(label_names));
  } else {
    created =
        std::make_unique<GaugeFamily>(owned_name, std::string(help), type, std::move(label_names));
  }
  return *families_.emplace(std::move(owned_name), std::move(created)).first->second;
}

CounterFamily& Metrics::counter(std::string_view name, std::string_view help,
                                std::vector<std::string> label_names) {
  return static_cast<CounterFamily&>(
      family(name, help, MetricType::kCounter, std::move(label_names), false));
}

GaugeFamily& Metrics::gauge(std::string_view name, std::string_view help,
                            std::vector<std::string> label_names) {
  return static_cast<GaugeFamily&>(
      family(name, help, MetricType::kGauge, std::move(label_names), false));
}

MetricCollector Metrics::collect(std::string_view name, std::string_view help, MetricType type,
                                 std::vector<std::string> label_names, MetricCollect collect) {
  auto& collected =
      static_cast<CollectedFamily&>(family(name, help, type, std::move(label_names), true));
  auto slot = std::make_shared<MetricCollector::Slot>();
  slot->collect = std::move(collect);
  collected.add(slot);
  return MetricCollector(std::move(slot));
}

std::string Metrics::render() const {
  // Families are never removed, so they can be read after the lock is let go: a collect
  // function may take locks of its own (the store's) without any order against this one.
  std::vector<const metrics_detail::FamilyBase*> families;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, family] : families_) families.push_back(family.get());
  }
  std::string out;
  for (const metrics_detail::FamilyBase* family : families) {
    const std::vector<MetricSample> samples = family->samples();
    if (samples.empty()) continue;
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", family->name(),
                   escape_metric_help(family->help()), family->name(),
                   family->type() == MetricType::kCounter ? "counter" : "gauge");
    for (const MetricSample& sample : samples) {
      out += family->name();
      if (!sample.labels.empty()) {
        out += '{';
        for (size_t i = 0; i < sample.labels.size(); ++i) {
          fmt::format_to(std::back_inserter(out), "{}{}=\"{}\"", i ? "," : "",
                         family->label_names()[i], escape_label_value(sample.labels[i]));
        }
        out += '}';
      }
      out += ' ';
      out += format_metric_value(sample.value);
      out += '\n';
    }
  }
  return out;
}

std::string escape_metric_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

}  // namespace sgwatch
