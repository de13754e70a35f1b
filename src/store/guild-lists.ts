import type Keyv from "keyv";
import { type KeyedLock, KeyedMutex } from "./mutex.js";

/** Guilds read per round trip at load. */
const LOAD_BATCH = 500;

/**
 * One list per guild in storage (`<prefix>:<guild>`), the guilds that have one under
 * `<prefix>:guilds`, and all of it mirrored in memory: what a server set up (subscriptions, its
 * own feeds) is read on every story or poll and must not cost a round trip each. A list is
 * changed by a read-modify-write under a per-guild lock, so concurrent commands in one server
 * cannot lose each other's changes.
 */
export class GuildLists<T> {
  readonly #byGuild = new Map<string, T[]>();
  readonly #guildsKey: string;
  #loaded = false;

  /**
   * @param onSet told each time a guild's list in memory is replaced (`list` is empty when the
   *   guild has none left), so that an owner can keep an index of its own up to date.
   */
  constructor(
    private readonly kv: Keyv,
    private readonly prefix: string,
    private readonly onSet: (
      guildId: string,
      previous: readonly T[],
      list: readonly T[],
    ) => void = () => {},
    /** Across a fleet, a lock all its processes share (the list is re-read under it anyway). */
    private readonly lock: KeyedLock = new KeyedMutex(),
  ) {
    this.#guildsKey = `${prefix}:guilds`;
  }

  /**
   * Reads every guild's list into memory: at start, and again in a fleet to see what other
   * processes changed (a guild whose list is gone from storage is forgotten here too).
   */
  async load(): Promise<void> {
    const guilds = (await this.kv.get<string[]>(this.#guildsKey)) ?? [];
    const found = new Set<string>();
    for (let i = 0; i < guilds.length; i += LOAD_BATCH) {
      const batch = guilds.slice(i, i + LOAD_BATCH);
      const lists = await this.kv.getMany<T[]>(batch.map((g) => this.#key(g)));
      batch.forEach((g, j) => {
        const list = lists[j];
        if (list && list.length > 0) {
          found.add(g);
          this.#set(g, list);
        }
      });
    }
    for (const g of [...this.#byGuild.keys()]) if (!found.has(g)) this.#set(g, []);
    this.#loaded = true;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /** The guild's list as held in memory (empty when it has none). Not to be changed. */
  get(guildId: string): readonly T[] {
    return this.#byGuild.get(guildId) ?? [];
  }

  /** Every guild with a non-empty list. */
  entries(): IterableIterator<[string, readonly T[]]> {
    return this.#byGuild.entries();
  }

  /**
   * Applies `change` to a copy of the guild's stored list, writes the result and mirrors it.
   * What `change` throws aborts the update with nothing written.
   */
  async update<R>(guildId: string, change: (list: T[]) => R): Promise<R> {
    return this.lock.run(this.#key(guildId), async () => {
      // In memory means listed: load() reads the guild list, and an update lists before it returns.
      const listed = this.#byGuild.has(guildId);
      const list = structuredClone((await this.kv.get<T[]>(this.#key(guildId))) ?? []);
      const result = change(list);
      await this.kv.set(this.#key(guildId), list);
      this.#set(guildId, list);
      // The guild list is one key for every guild: read and rewrite it only when it may change.
      if (listed && list.length > 0) return result;
      await this.lock.run(this.#guildsKey, async () => {
        const guilds = (await this.kv.get<string[]>(this.#guildsKey)) ?? [];
        const has = guilds.includes(guildId);
        if (list.length > 0 && !has) await this.kv.set(this.#guildsKey, [...guilds, guildId]);
        if (list.length === 0 && has)
          await this.kv.set(
            this.#guildsKey,
            guilds.filter((g) => g !== guildId),
          );
      });
      return result;
    });
  }

  /** Forgets a guild's list entirely (the bot left the server). */
  async removeGuild(guildId: string): Promise<void> {
    await this.lock.run(this.#key(guildId), () =>
      this.lock.run(this.#guildsKey, async () => {
        this.#set(guildId, []);
        await this.kv.delete(this.#key(guildId));
        const guilds = (await this.kv.get<string[]>(this.#guildsKey)) ?? [];
        if (guilds.includes(guildId))
          await this.kv.set(
            this.#guildsKey,
            guilds.filter((g) => g !== guildId),
          );
      }),
    );
  }

  #key(guildId: string): string {
    return `${this.prefix}:${guildId}`;
  }

  #set(guildId: string, list: T[]): void {
    const previous = this.#byGuild.get(guildId) ?? [];
    if (list.length === 0) this.#byGuild.delete(guildId);
    else this.#byGuild.set(guildId, list);
    this.onSet(guildId, previous, list);
  }
}
