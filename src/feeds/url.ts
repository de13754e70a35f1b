// Query parameters that identify a campaign or a click, not a page. Removing them lets the same
// article, shared with different tracking, be recognised as one story.
const TRACKING_EXACT = new Set([
  "fbclid",
  "gclid",
  "dclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "yclid",
  "twclid",
  "igshid",
  "mc_cid",
  "mc_eid",
  "ocid",
  "cmpid",
  "cmp",
  "icid",
  "xtor",
  "ito",
  "smid",
  "smtyp",
  "ns_mchannel",
  "ns_source",
  "ns_campaign",
  "ns_linkname",
  "ns_fee",
  "at_medium",
  "at_campaign",
  "at_custom1",
  "at_custom2",
  "at_custom3",
  "at_custom4",
  "wt.mc_id",
  "wt_mc",
  "_ga",
  "_gl",
  "mkt_tok",
  "oly_anon_id",
  "oly_enc_id",
  "rss",
  "rssfeed",
  "feed",
  "from_rss",
  "ref_src",
  "ref_url",
  "s_cid",
  "sr_share",
  "spm",
  "guccounter",
  "guce_referrer",
  "guce_referrer_sig",
  "__twitter_impression",
]);
const TRACKING_PREFIXES = ["utm_", "pk_", "mtm_", "piwik_", "hsa_", "vero_", "trk_"];

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_EXACT.has(lower) || TRACKING_PREFIXES.some((p) => lower.startsWith(p));
}

/** The query without tracking parameters, segments kept as written (no re-encoding). */
function stripTracking(query: string): string {
  if (!query) return "";
  const kept = query.split("&").filter((segment) => {
    if (!segment) return false;
    const eq = segment.indexOf("=");
    const raw = eq === -1 ? segment : segment.slice(0, eq);
    let name = raw;
    try {
      name = decodeURIComponent(raw.replace(/\+/g, " "));
    } catch {
      // A malformed escape is kept as written.
    }
    return !isTracking(name);
  });
  return kept.length > 0 ? `?${kept.join("&")}` : "";
}

// Links that are already in the form the URL parser would give them (lower-case host, no port,
// no dot segments, nothing to percent-encode): the common case, handled without parsing.
const CANONICAL_SHAPED =
  /^(https?:\/\/(?!.*\.\.)[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(\/[A-Za-z0-9\-._~!$&()*+,;=:@%/]*)?(?:\?([A-Za-z0-9\-._~!$&()*+,;=:@%/?]*))?(?:#.*)?$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * The canonical form of an article link: http(s) only, resolved against the feed's address,
 * lower-case host, no default port, no fragment, no credentials, no tracking parameters. Returns
 * undefined for anything that is not an http(s) URL (javascript:, data:, mailto:, garbage).
 */
export function canonicalUrl(link: string | undefined, base?: string): string | undefined {
  if (!link) return undefined;
  const trimmed = link.trim();
  const simple = CANONICAL_SHAPED.exec(trimmed);
  if (simple && !DOT_SEGMENT.test(simple[2] ?? "")) {
    return `${simple[1]}${simple[2] || "/"}${stripTracking(simple[3] ?? "")}`;
  }
  let url: URL;
  try {
    url = base ? new URL(trimmed, base) : new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  url.hash = "";
  url.username = "";
  url.password = "";
  const search = stripTracking(url.search.slice(1));
  url.search = "";
  return `${url.href}${search}`;
}
