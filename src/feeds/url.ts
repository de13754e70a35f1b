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
  if (TRACKING_EXACT.has(lower)) return true;
  for (const prefix of TRACKING_PREFIXES) if (lower.startsWith(prefix)) return true;
  return false;
}

/** A parameter's name as the server would read it: '+' is a space, escapes decoded. */
function parameterName(raw: string): string {
  // Without '%' or '+' there is nothing to decode (and nothing to fail on).
  if (!raw.includes("%") && !raw.includes("+")) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw; // A malformed escape is kept as written.
  }
}

// Queries already stripped, and what was left of them: a feed tags its links with the same few
// campaign parameters, story after story. Short queries only, and cleared when full.
const STRIPPED = new Map<string, string>();
const STRIPPED_MAX_ENTRIES = 1024;
const STRIPPED_MAX_LENGTH = 256;

/** The query without tracking parameters, segments kept as written (no re-encoding). */
function stripTracking(query: string): string {
  if (!query) return "";
  if (query.length > STRIPPED_MAX_LENGTH) return stripQuery(query);
  let stripped = STRIPPED.get(query);
  if (stripped === undefined) {
    stripped = stripQuery(query);
    if (STRIPPED.size >= STRIPPED_MAX_ENTRIES) STRIPPED.clear();
    STRIPPED.set(query, stripped);
  }
  return stripped;
}

/** stripTracking, uncached: one pass over the '&'-separated segments, empty ones dropped. */
function stripQuery(query: string): string {
  const n = query.length;
  let out = "";
  let from = 0;
  let eq = -1; // the first '=' at or after `from` (n if none), looked for again once passed
  while (from < n) {
    let to = query.indexOf("&", from);
    if (to === -1) to = n;
    if (to > from) {
      if (eq < from) {
        eq = query.indexOf("=", from);
        if (eq === -1) eq = n;
      }
      const name = query.slice(from, Math.min(eq, to));
      if (!isTracking(parameterName(name))) {
        out += out ? `&${query.slice(from, to)}` : `?${query.slice(from, to)}`;
      }
    }
    from = to + 1;
  }
  return out;
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
