/**
 * Fixed-window per-key rate limiter producing Discord's rate-limit headers.
 *
 * Discord's per-route limits behave like a fixed window that starts with the first request
 * (X-RateLimit-Reset is when the window ends). @discordjs/rest reads `X-RateLimit-Remaining`
 * and `X-RateLimit-Reset-After` to wait pre-emptively, and `Retry-After` on a 429.
 */

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
  /** Seconds until the window resets (body `retry_after` of a 429). */
  retryAfter: number;
}

interface Window {
  startedAt: number;
  used: number;
}

export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();
  /** Number of 429s handed out, per key — tests assert on these. */
  readonly rejections = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** A hash shared by all keys, like Discord's bucket ids (the major parameter is not part of it). */
    private readonly bucket: string,
    /** When false no X-RateLimit-* headers are sent, forcing the client onto the 429 path. */
    private readonly sendHeaders = true,
  ) {}

  take(key: string, now = Date.now()): RateLimitDecision {
    let window = this.windows.get(key);
    if (!window || now >= window.startedAt + this.windowMs) {
      window = { startedAt: now, used: 0 };
      this.windows.set(key, window);
    }
    const resetAt = window.startedAt + this.windowMs;
    const resetAfter = Math.max(0, (resetAt - now) / 1000);
    const allowed = window.used < this.limit;
    if (allowed) window.used += 1;
    else this.rejections.set(key, (this.rejections.get(key) ?? 0) + 1);

    const headers: Record<string, string> = {};
    if (this.sendHeaders || !allowed) {
      headers["X-RateLimit-Limit"] = String(this.limit);
      headers["X-RateLimit-Remaining"] = String(Math.max(0, this.limit - window.used));
      headers["X-RateLimit-Reset"] = (resetAt / 1000).toFixed(3);
      headers["X-RateLimit-Reset-After"] = resetAfter.toFixed(3);
      headers["X-RateLimit-Bucket"] = this.bucket;
    }
    if (!allowed) {
      // Discord sends whole seconds in the header (rounded up) and the precise value in the body.
      headers["Retry-After"] = String(Math.max(1, Math.ceil(resetAfter)));
      headers["X-RateLimit-Scope"] = "user";
    }
    return { allowed, headers, retryAfter: Number(resetAfter.toFixed(3)) };
  }

  totalRejections(): number {
    let total = 0;
    for (const n of this.rejections.values()) total += n;
    return total;
  }
}
