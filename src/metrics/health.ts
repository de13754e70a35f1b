/**
 * What `/healthz` asks: does storage answer? One read of a key nobody writes, with a short
 * deadline, so a hung connection reads as down instead of holding the probe past its timeout.
 */
import type Keyv from "keyv";

export interface HealthReport {
  ok: boolean;
  /** Why not, in a few words (never a storage URL or password). */
  reason?: string;
}

const HEALTH_KEY = "health:probe";
export const HEALTH_TIMEOUT_MS = 1000;

export function storageHealth(
  kv: Pick<Keyv, "get">,
  options: { timeoutMs?: number; scrub?: (message: string) => string } = {},
): () => Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? HEALTH_TIMEOUT_MS;
  const scrub = options.scrub ?? ((m: string) => m);
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([kv.get(HEALTH_KEY), late]);
      return { ok: true };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, reason: `storage: ${scrub(message)}` };
    } finally {
      clearTimeout(timer);
    }
  };
}
