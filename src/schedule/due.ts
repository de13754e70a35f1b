/** How often a feed may be asked again, and how failures back off. All in milliseconds. */
export interface DuePolicy {
  /** Never sooner than this after a success, whatever the feed says. */
  minIntervalMs: number;
  /** Never later than this after a success, even if the feed's ttl says more. */
  maxIntervalMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Fraction of the delay that is randomised either way, so failed feeds do not retry in step. */
  jitter: number;
}

export const DEFAULT_DUE_POLICY: DuePolicy = {
  minIntervalMs: 60_000,
  maxIntervalMs: 24 * 3600_000,
  backoffBaseMs: 2 * 60_000,
  backoffMaxMs: 6 * 3600_000,
  jitter: 0.2,
};

/** After a 200 or 304: the longest of our minimum, the feed's ttl and its Cache-Control max-age. */
export function nextDueAfterSuccess(
  now: number,
  hints: { ttlMinutes?: number; maxAgeSec?: number },
  policy: DuePolicy = DEFAULT_DUE_POLICY,
): number {
  const asked = Math.max((hints.ttlMinutes ?? 0) * 60_000, (hints.maxAgeSec ?? 0) * 1000);
  return now + Math.min(Math.max(policy.minIntervalMs, asked), policy.maxIntervalMs);
}

/** The backoff before jitter for the n-th consecutive failure (n ≥ 1). */
export function backoffMs(failures: number, policy: DuePolicy = DEFAULT_DUE_POLICY): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(policy.backoffBaseMs * 2 ** exponent, policy.backoffMaxMs);
}

/**
 * After a failure: exponential backoff with jitter, but never sooner than a Retry-After the
 * server gave (capped at the maximum interval, so a hostile header cannot park a feed forever).
 */
export function nextDueAfterFailure(
  now: number,
  failures: number,
  retryAfterSec: number | undefined,
  random: () => number = Math.random,
  policy: DuePolicy = DEFAULT_DUE_POLICY,
): number {
  const base = backoffMs(failures, policy);
  const jittered = base * (1 - policy.jitter + 2 * policy.jitter * random());
  const asked = Math.min((retryAfterSec ?? 0) * 1000, policy.maxIntervalMs);
  return now + Math.round(Math.max(jittered, asked));
}
