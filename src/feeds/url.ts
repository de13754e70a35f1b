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

/**
 * The canonical form of an article link: http(s) only, resolved against the feed's address,
 * lower-case host, no default port, no fragment, no tracking parameters. Returns undefined for
 * anything that is not an http(s) URL (javascript:, data:, mailto:, garbage).
 */
export function canonicalUrl(link: string | undefined, base?: string): string | undefined {
  if (!link) return undefined;
  let url: URL;
  try {
    url = base ? new URL(link.trim(), base) : new URL(link.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  url.hash = "";
  url.username = "";
  url.password = "";
  // Most links carry no query; rebuilding the parameters costs more than the rest together.
  if (url.search) {
    const params = [...url.searchParams].filter(([name]) => !isTracking(name));
    if (params.length !== url.searchParams.size)
      url.search = new URLSearchParams(params).toString();
  }
  // URL keeps a bare "?" when the last parameter goes; drop it.
  return url.href.replace(/\?$/, "");
}
