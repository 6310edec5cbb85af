// Counters and gauges for Prometheus to scrape, rendered in its text exposition format
// 0.0.4. Components count into a Metrics registry they are given; nothing is formatted
// until a scrape asks for render(), so counting costs a map lookup under a short lock and
// an atomic add.
//
//   Metrics metrics;
//   auto& requests = metrics.counter("sgwatch_aws_requests_total", "AWS HTTP requests.",
//                                    {"service", "code"});
//   requests.with({"ec2", "200"}).inc();
//   metrics.render();  // # HELP ... # TYPE ... sgwatch_aws_requests_total{...} 1
//
// Families are rendered in the order of their names, and each family's samples in the
// order of their label values, so two scrapes of the same state read the same. A family
// with no sample yet is left out.
//
// Names and label names must be Prometheus names, a counter's name ends in `_total`, and a
// name asked for again must come with the same type and label names: these are
// sgwatch's own constants, so a mistake is a bug, caught by assert.
//
// Thread-safety: everything may be called from any thread. References handed out (a
// family, a counter, a gauge) stay valid as long as the registry.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sgwatch {

enum class MetricType { kCounter, kGauge };

// A value that only goes up: requests sent, cycles run.
class Counter {
 public:
  void inc(double by = 1.0) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down, or a point in time: pending alerts, the last success.
class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// One sample of a family: its label values, in the order of the family's label names.
struct MetricSample {
  std::vector<std::string> labels;
  double value = 0.0;
};

namespace metrics_detail {

// Orders label value lists, and finds a list of string_views among stored strings without
// copying them (the hot path).
struct LabelsLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, MetricType type,
             std::vector<std::string> label_names);
  virtual ~FamilyBase() = default;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // The values held now, in label order.
  virtual std::vector<MetricSample> samples() const = 0;

 protected:
  // Asserts that `given` label values fit the label names.
  void check_arity(size_t given) const;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
};

}  // namespace metrics_detail

// A family of counters or gauges: one name, one HELP and TYPE, a child per set of label
// values, created at 0 on first use.
template <typename Value>
class MetricFamily final : public metrics_detail::FamilyBase {
 public:
  using FamilyBase::FamilyBase;

  // The child with these label values, one per label name.
  Value& with(std::initializer_list<std::string_view> values) {
    check_arity(values.size());
    std::lock_guard lock(mutex_);
    auto found = children_.find(values);
    if (found == children_.end()) {
      found = children_
                  .emplace(std::vector<std::string>(values.begin(), values.end()),
                           std::make_unique<Value>())
                  .first;
    }
    return *found->second;
  }
  Value& with(const std::vector<std::string>& values) {
    check_arity(values.size());
    std::lock_guard lock(mutex_);
    auto& child = children_[values];
    if (!child) child = std::make_unique<Value>();
    return *child;
  }
  // The one child of a family without labels.
  Value& get() { return with({}); }

  std::vector<MetricSample> samples() const override {
    std::lock_guard lock(mutex_);
    std::vector<MetricSample> out;
    out.reserve(children_.size());
    for (const auto& [labels, value] : children_) out.push_back({labels, value->value()});
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Value>, metrics_detail::LabelsLess> children_;
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;

// Gives a collected family's samples at each scrape.
using MetricCollect = std::function<std::vector<MetricSample>()>;

class Metrics;

// Keeps a collect function registered (Metrics::collect); unregisters it when destroyed,
// after waiting for a scrape that is calling it. Movable.
class MetricCollector {
 public:
  MetricCollector() = default;
  MetricCollector(MetricCollector&&) noexcept = default;
  MetricCollector& operator=(MetricCollector&& other) noexcept;
  ~MetricCollector();

  struct Slot;  // the function and the lock a scrape holds while calling it

 private:
  friend class Metrics;
  explicit MetricCollector(std::shared_ptr<Slot> slot) : slot_(std::move(slot)) {}
  void release();
  std::shared_ptr<Slot> slot_;
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The family of this name, registered on first use.
  CounterFamily& counter(std::string_view name, std::string_view help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(std::string_view name, std::string_view help,
                     std::vector<std::string> label_names = {});

  // A family whose samples are computed at each scrape by `collect` (values that live
  // elsewhere, like the alerts pending in the store), until the returned collector is
  // destroyed. Several collectors may feed one family. `collect` runs on the scraping
  // thread without the registry's lock held; it must not outlive what it reads, which the
  // collector's destruction ensures.
  [[nodiscard]] MetricCollector collect(std::string_view name, std::string_view help,
                                        MetricType type, std::vector<std::string> label_names,
                                        MetricCollect collect);

  // Every family with samples, in the text exposition format 0.0.4.
  std::string render() const;

 private:
  class CollectedFamily;
  metrics_detail::FamilyBase& family(std::string_view name, std::string_view help, MetricType type,
                                     std::vector<std::string> label_names, bool collected);

  mutable std::mutex mutex_;  // guards families_
  std::map<std::string, std::unique_ptr<metrics_detail::FamilyBase>, std::less<>> families_;
};

// The text format's escaping: HELP text escapes `\` and line breaks; label values also `"`.
std::string escape_metric_help(std::string_view text);
std::string escape_label_value(std::string_view text);
// A sample value as Prometheus reads it: "3", "0.25", "1700000000.123", "+Inf", "NaN".
std::string format_metric_value(double value);

}  // namespace sgwatch
