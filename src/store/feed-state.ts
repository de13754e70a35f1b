import type Keyv from "keyv";
import type { Validators } from "../feeds/fetch.js";

/** What we know of one feed between polls; it survives restarts. */
export interface FeedState {
  feedId: string;
  url: string;
  validators: Validators;
  /** False until the first successful poll has taken in the backlog. */
  initialized: boolean;
  nextDueAt: number;
  lastPollAt?: number;
  lastSuccessAt?: number;
  lastErrorAt?: number;
  /** The technical detail of the last failure, for logs and the operator. */
  lastError?: string;
  /** Its stable code (src/feeds/errors.ts), which /status and /feeds list put into words. */
  lastErrorReason?: string;
  consecutiveFailures: number;
  ttlMinutes?: number;
  maxAgeSec?: number;
  /** Ids of the items in the feed's latest document: the fast path of deduplication. */
  recentIds: string[];
  storiesStored: number;
}

export function freshState(feedId: string, url: string): FeedState {
  return {
    feedId,
    url,
    validators: {},
    initialized: false,
    nextDueAt: 0,
    consecutiveFailures: 0,
    recentIds: [],
    storiesStored: 0,
  };
}

export class FeedStateStore {
  constructor(private readonly kv: Keyv) {}

  async get(feedId: string): Promise<FeedState | undefined> {
    return (await this.kv.get<FeedState>(`feed:${feedId}`)) ?? undefined;
  }

  async getMany(feedIds: string[]): Promise<Map<string, FeedState>> {
    const states = new Map<string, FeedState>();
    // Bounded batches: SQLite and Postgres both cap the size of one statement's parameters.
    for (let i = 0; i < feedIds.length; i += 500) {
      const batch = feedIds.slice(i, i + 500);
      const values = await this.kv.getMany<FeedState>(batch.map((id) => `feed:${id}`));
      batch.forEach((id, j) => {
        const value = values[j];
        if (value) states.set(id, value);
      });
    }
    return states;
  }

  async put(state: FeedState): Promise<void> {
    await this.kv.set(`feed:${state.feedId}`, state);
  }

  async delete(feedId: string): Promise<void> {
    await this.kv.delete(`feed:${feedId}`);
  }
}
