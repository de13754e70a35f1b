/**
 * IPv6 forms that carry an IPv4 address are judged by that IPv4 address, whether the address is
 * written in the URL or comes back from DNS.
 */
import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { parseHostAllowList } from "../../src/feeds/allow-list.js";
import { BlockedUrlError, checkUrl, guardedLookup, type UrlPolicy } from "../../src/feeds/guard.js";

const policy: UrlPolicy = { allow: parseHostAllowList(""), allowFile: false };

// [address, the range it is refused as, or "allowed"]
const TABLE: Array<[string, string]> = [
  // IPv4-compatible ::/96
  ["::127.0.0.1", "loopback"],
  ["::7f00:1", "loopback"],
  ["::10.0.0.5", "private"],
  ["::a9fe:a9fe", "linkLocal"],
  ["::100.64.0.1", "carrierGradeNat"],
  ["::8.8.8.8", "allowed"],
  // IPv4-mapped ::ffff:0:0/96 and IPv4-translated ::ffff:0:0:0/96
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:a9fe:a9fe", "linkLocal"],
  ["::ffff:8.8.8.8", "allowed"],
  ["::ffff:0:7f00:1", "loopback"],
  ["::ffff:0:c0a8:101", "private"],
  ["::ffff:0:808:808", "allowed"],
  // NAT64, well-known prefix 64:ff9b::/96
  ["64:ff9b::7f00:1", "loopback"],
  ["64:ff9b::169.254.169.254", "linkLocal"],
  ["64:ff9b::192.168.1.1", "private"],
  ["64:ff9b::808:808", "allowed"],
  // NAT64, local-use 64:ff9b:1::/48: where the IPv4 address sits is the network's choice
  ["64:ff9b:1::808:808", "local-use NAT64"],
  ["64:ff9b:1:7f00:1::", "local-use NAT64"],
  // 6to4 2002::/16
  ["2002:7f00:1::1", "loopback"],
  ["2002:a00:5::", "private"],
  ["2002:a9fe:a9fe::1", "linkLocal"],
  ["2002:808:808::1", "allowed"],
  // Teredo 2001::/32: server 65.54.227.120, client = last 32 bits inverted
  ["2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"], // client 127.0.0.1
  ["2001:0:4136:e378::f5ff:fffa", "private"], // client 10.0.0.5
  ["2001:0:4136:e378::5601:5601", "linkLocal"], // client 169.254.169.254
  ["2001:0:a00:5::f7f7:f7f7", "private"], // server 10.0.0.5, client 8.8.8.8
  ["2001:0:4136:e378::f7f7:f7f7", "allowed"], // client 8.8.8.8
  // Neither carries an IPv4 address: judged as they are
  ["::1", "loopback"],
  ["::", "unspecified"],
  ["2606:4700:4700::1111", "allowed"],
];

function literal(address: string): string {
  try {
    checkUrl(policy, new URL(`http://[${address}]/feed`));
    return "allowed";
  } catch (error) {
    expect(error).toBeInstanceOf(BlockedUrlError);
    return /, an? (.+) address that feeds may not use/.exec((error as Error).message)?.[1] ?? "";
  }
}

function resolved(address: string): Promise<string> {
  const lookup = guardedLookup(policy, (_host, _options, callback) =>
    callback(null, [{ address, family: 6 } satisfies LookupAddress]),
  );
  return new Promise((resolve) =>
    lookup("feed.example", { all: true }, (error) => {
      if (!error) return resolve("allowed");
      expect(error).toBeInstanceOf(BlockedUrlError);
      resolve(/, an? (.+) address that feeds may not use/.exec(error.message)?.[1] ?? "");
    }),
  );
}

describe("IPv6 addresses that carry an IPv4 address", () => {
  for (const [address, expected] of TABLE) {
    it(`${address}: ${expected}, written in the URL or answered by DNS`, async () => {
      expect(literal(address)).toBe(expected);
      expect(await resolved(address)).toBe(expected);
    });
  }
});
