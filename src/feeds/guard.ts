import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { type HostAllowList, isAllowedAddress } from "./allow-list.js";
import { embeddedIPv4 } from "./embedded-ipv4.js";

/** Why a URL is refused: a stable code that src/feeds/errors.ts turns into words for a user. */
export type BlockedReason =
  | "private-address"
  | "port-not-allowed"
  | "unsupported-scheme"
  | "credentials-in-url";

/** A URL the bot will not fetch; the message is for the log, the reason for the user. */
export class BlockedUrlError extends Error {
  override name = "BlockedUrlError";
  constructor(
    message: string,
    readonly reason: BlockedReason,
  ) {
    super(message);
  }
}

export interface UrlPolicy {
  /** Hosts and ranges the operator opened although they are private. */
  allow: HostAllowList;
  /** `file:` only for feeds from the operator's own feeds file. */
  allowFile: boolean;
  /**
   * Ports a user-given URL may name (80, 443 and ALLOW_FEED_PORTS), whatever its host, on every
   * hop; undefined for the operator's own feeds, which may use any. A hostile URL cannot probe
   * internal services by port.
   */
  ports?: ReadonlySet<number>;
}

// ipaddr.js range names that are not the public internet.
const PUBLIC_RANGES = new Set(["unicast"]);

/**
 * The address's range name; for an IPv6 form that carries an IPv4 address, the range of the
 * IPv4 address it leads to (of the first that is not public), since that is where it goes.
 */
function addressKind(address: string): string {
  const addr = ipaddr.parse(address);
  if (addr.kind() === "ipv4") return addr.range();
  const carried = embeddedIPv4(addr as ipaddr.IPv6);
  if (carried === undefined) return addr.range();
  if (carried === "unknown") return "local-use NAT64";
  const ranges = carried.map((v4) => v4.range());
  return ranges.find((range) => !PUBLIC_RANGES.has(range)) ?? "unicast";
}

/** The one address check, for literal hosts and for every DNS answer alike. */
export function checkAddress(policy: UrlPolicy, host: string, address: string): void {
  if (policy.allow.hosts.has(host.toLowerCase()) || isAllowedAddress(policy.allow, address)) return;
  const kind = addressKind(address);
  if (!PUBLIC_RANGES.has(kind)) {
    throw new BlockedUrlError(
      `${host} resolves to ${address}, a ${kind} address that feeds may not use (an operator can allow it with ALLOW_PRIVATE_FEED_HOSTS).`,
      "private-address",
    );
  }
}

/** Checks what can be checked without DNS: scheme, credentials, and literal IP hosts. */
export function checkUrl(policy: UrlPolicy, url: URL): void {
  if (url.protocol === "file:") {
    if (!policy.allowFile)
      throw new BlockedUrlError("Only http and https feed URLs are allowed.", "unsupported-scheme");
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BlockedUrlError(
      `Only http and https feed URLs are allowed, not ${url.protocol.replace(":", "")}.`,
      "unsupported-scheme",
    );
  }
  if (url.username || url.password) {
    throw new BlockedUrlError(
      "Feed URLs may not carry a user name or password.",
      "credentials-in-url",
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(host)) checkAddress(policy, host, host);
  else if (host === "localhost" || host.endsWith(".localhost"))
    checkAddress(policy, host, "127.0.0.1");
  // Whatever the host: an allow-listed private range (say 10.0.0.0/8) is where a port scan would
  // find the most, so opening a host never opens its ports.
  if (policy.ports && url.port && !policy.ports.has(Number(url.port))) {
    throw new BlockedUrlError(
      `Feeds on port ${url.port} are not allowed, only the standard web ports (an operator can allow more with ALLOW_FEED_PORTS).`,
      "port-not-allowed",
    );
  }
}

export type Resolver = (
  hostname: string,
  options: { all: true; family?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) =>
  dnsLookup(hostname, options, callback);

/**
 * A DNS lookup for the HTTP agent that refuses private answers. The socket connects to the very
 * address checked here, so a name cannot resolve to a public address for the check and a private
 * one for the connection (DNS rebinding).
 */
export function guardedLookup(
  policy: UrlPolicy,
  resolve: Resolver = systemResolver,
): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    resolve(hostname, { family, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      try {
        for (const a of addresses) checkAddress(policy, hostname, a.address);
      } catch (blocked) {
        return callback(blocked as NodeJS.ErrnoException, "", 0);
      }
      if (options.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), "", 0);
      callback(null, first.address, first.family);
    });
  };
}
