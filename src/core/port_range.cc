#include "core/port_range.h"

namespace sgwatch {

Result<PortRange> PortRange::make(Protocol protocol, std::optional<int> from,
                                  std::optional<int> to) {
  if (protocol.has_ports()) {
    if (!from || !to) {
      return invalid(protocol.ec2_name() + " needs both FromPort and ToPort");
    }
    if (*from < 0 || *from > 65535 || *to < 0 || *to > 65535) {
      int bad = (*from < 0 || *from > 65535) ? *from : *to;
      return invalid("port " + std::to_string(bad) + " is out of range 0-65535");
    }
    if (*from > *to) {
      return invalid("port range " + std::to_string(*from) + "-" + std::to_string(*to) +
                     " ends before it starts");
    }
    return PortRange{*from, *to};
  }
  if (protocol.is_icmp()) {
    int type = from.value_or(-1);
    int code = to.value_or(-1);
    if (type < -1 || type > 255 || code < -1 || code > 255) {
      return invalid("ICMP type " + std::to_string(type) + " code " + std::to_string(code) +
                     " is out of range -1-255");
    }
    // Any type covers every code; EC2 reports it as -1/-1.
    if (type == -1) code = -1;
    return PortRange{type, code};
  }
  return PortRange{};
}

std::string describe_traffic(Protocol protocol, PortRange ports) {
  if (protocol.is_all()) return "all traffic";
  std::string name = protocol.ec2_name();
  if (protocol.has_ports()) {
    if (ports.from == ports.to) return name + "/" + std::to_string(ports.from);
    return name + "/" + std::to_string(ports.from) + "-" + std::to_string(ports.to);
  }
  if (protocol.is_icmp()) {
    if (ports.from == -1) return name + " (all types)";
    std::string text = name + " type " + std::to_string(ports.from);
    return ports.to == -1 ? text + " (all codes)" : text + " code " + std::to_string(ports.to);
  }
  return "protocol " + name;
}

}  // namespace sgwatch
