import ipaddr from "ipaddr.js";

/**
 * The IPv4 addresses an IPv6 address leads to, for the forms that carry one (RFC 4291 compatible
 * and mapped, RFC 6145 translated, RFC 6052 NAT64, RFC 3056 6to4, RFC 4380 Teredo): such an
 * address is only as public as the IPv4 address inside it. `"unknown"` for the local-use NAT64
 * prefix 64:ff9b:1::/48 (RFC 8215), whose network picks where the IPv4 address sits; undefined
 * for an address that carries none.
 */
export function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4[] | "unknown" | undefined {
  const w = addr.parts;
  const last32 = () => v4(w[6] ?? 0, w[7] ?? 0);
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (translated)
  if (zeros(0, 5) && w[5] === 0xffff) return [last32()];
  if (zeros(0, 4) && w[4] === 0xffff && w[5] === 0) return [last32()];
  // ::a.b.c.d (compatible); :: and ::1 are the unspecified and loopback addresses themselves.
  const unspecifiedOrLoopback = zeros(0, 7) && (w[7] ?? 0) <= 1;
  if (zeros(0, 6) && !unspecifiedOrLoopback) return [last32()];
  if (w[0] === 0x64 && w[1] === 0xff9b) {
    if (zeros(2, 6)) return [last32()];
    if (w[2] === 1) return "unknown";
  }
  if (w[0] === 0x2002) return [v4(w[1] ?? 0, w[2] ?? 0)];
  // Teredo: the server, then the client's address with every bit inverted.
  if (w[0] === 0x2001 && w[1] === 0) {
    return [v4(w[2] ?? 0, w[3] ?? 0), v4(~(w[6] ?? 0) & 0xffff, ~(w[7] ?? 0) & 0xffff)];
  }
  return undefined;
}

function v4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}
