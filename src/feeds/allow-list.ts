import ipaddr from "ipaddr.js";

/**
 * Operator-chosen exceptions to the private-address rule: host names (exact, lower case) and
 * address ranges in CIDR form ("127.0.0.1", "10.0.0.0/8", "::1", "feeds.internal").
 */
export interface HostAllowList {
  hosts: ReadonlySet<string>;
  ranges: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

export function parseHostAllowList(spec: string): HostAllowList {
  const hosts = new Set<string>();
  const ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
  for (const raw of spec.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.includes("/")) {
      try {
        ranges.push(ipaddr.parseCIDR(entry));
      } catch {
        throw new Error(`"${entry}" is not a valid address range (CIDR)`);
      }
    } else if (ipaddr.isValid(entry)) {
      const addr = ipaddr.parse(entry);
      ranges.push([addr, addr.kind() === "ipv4" ? 32 : 128]);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
      hosts.add(entry);
    } else {
      throw new Error(`"${entry}" is neither a host name nor an address range`);
    }
  }
  return { hosts, ranges };
}

export function isAllowedAddress(list: HostAllowList, address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let addr = ipaddr.parse(address);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  return list.ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}
