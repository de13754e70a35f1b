/**
 * Credentials in STORAGE_URL: the one place that knows where a password can sit in a connection
 * URL, so that start-up messages, the terminal banner and logs all hide it the same way.
 */

const MASK = "***";

// Query parameters that carry a secret (`postgres://h/db?password=…` is read by pg, too).
const SECRET_PARAM = /pass|pwd|secret|token|auth/i;

interface UrlParts {
  /** Everything up to and including `//`. */
  head: string;
  /** `user:password`, or `undefined` when the URL has no `@`. */
  userinfo?: string;
  /** From the host on. */
  rest: string;
}

/**
 * Splits a URL at its userinfo. The userinfo ends at the LAST `@` before any query or fragment,
 * as a URL parser reads it, so a password with an unescaped `@` or `/` is still taken whole.
 */
function split(url: string): UrlParts | undefined {
  const start = url.indexOf("//");
  if (start < 0 || url.toLowerCase().startsWith("sqlite:")) return undefined;
  const head = url.slice(0, start + 2);
  const tail = url.slice(start + 2);
  const end = tail.search(/[?#]/);
  const authorityAndPath = end < 0 ? tail : tail.slice(0, end);
  const at = authorityAndPath.lastIndexOf("@");
  if (at < 0) return { head, rest: tail };
  return { head, userinfo: tail.slice(0, at), rest: tail.slice(at) };
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The secret values a URL carries, as written and percent-decoded, longest first. */
export function storageUrlSecrets(url: string): string[] {
  const secrets = new Set<string>();
  const parts = split(url);
  const colon = parts?.userinfo?.indexOf(":") ?? -1;
  if (parts?.userinfo !== undefined && colon >= 0) {
    const password = parts.userinfo.slice(colon + 1);
    if (password) secrets.add(password).add(decoded(password));
  }
  for (const [name, value] of queryParams(url)) {
    if (SECRET_PARAM.test(name) && value) secrets.add(value).add(decoded(value));
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}

function queryParams(url: string): Array<[string, string]> {
  const q = url.indexOf("?");
  if (q < 0) return [];
  const query = url.slice(q + 1).split("#")[0] ?? "";
  return query
    .split("&")
    .filter(Boolean)
    .map((pair): [string, string] => {
      const eq = pair.indexOf("=");
      return eq < 0 ? [decoded(pair), ""] : [decoded(pair.slice(0, eq)), pair.slice(eq + 1)];
    });
}

/**
 * The URL fit to show: the password replaced by `***` whether or not a user name precedes it,
 * and so are password-like query parameters. The user name, host and database stay readable.
 */
export function maskStorageUrl(url: string): string {
  const parts = split(url);
  if (!parts) return url;
  let masked = url;
  if (parts.userinfo !== undefined) {
    const colon = parts.userinfo.indexOf(":");
    const userinfo = colon < 0 ? parts.userinfo : `${parts.userinfo.slice(0, colon)}:${MASK}`;
    masked = `${parts.head}${userinfo}${parts.rest}`;
  }
  const q = masked.indexOf("?");
  if (q < 0) return masked;
  const [query = "", ...fragment] = masked.slice(q + 1).split("#");
  const safe = query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      return eq >= 0 && SECRET_PARAM.test(decoded(pair.slice(0, eq)))
        ? `${pair.slice(0, eq)}=${MASK}`
        : pair;
    })
    .join("&");
  return [`${masked.slice(0, q)}?${safe}`, ...fragment].join("#");
}

/**
 * Removes a URL's secrets from text a driver wrote (an error message may quote the URL, or
 * the password alone, in any form).
 */
export function scrubStorageSecrets(text: string, url: string): string {
  let out = text.split(url).join(maskStorageUrl(url));
  for (const secret of storageUrlSecrets(url)) out = out.split(secret).join(MASK);
  return out;
}
