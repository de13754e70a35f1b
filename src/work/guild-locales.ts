/**
 * Servers' languages for processes without a gateway. Alerts speak a server's preferred locale,
 * which only a process logged in to the gateway sees (src/discord/alert-language.ts). In a fleet
 * the gateway process writes each server's locale to storage (`locale:<guild>`), and workers read
 * those of the servers they deliver to at each refresh.
 */
import { type Client, Events, type Guild } from "discord.js";
import type Keyv from "keyv";
import type { Logger } from "pino";

const key = (guildId: string): string => `locale:${guildId}`;
const LOCALE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$/;
const READ_BATCH = 500;

/** A server with no published locale is asked again after this long, not on every batch. */
const MISS_RETRY_MS = 30_000;

export class GuildLocales {
  #byGuild = new Map<string, string>();
  /** Servers read and found without a locale: when. */
  readonly #missed = new Map<string, number>();

  constructor(
    private readonly kv: Keyv,
    private readonly now: () => number = Date.now,
  ) {}

  /** The server's locale as last published, if any. */
  get(guildId: string): string | undefined {
    return this.#byGuild.get(guildId);
  }

  /** Reads the locales of these servers (those with subscriptions). */
  async load(guildIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(guildIds)];
    const next = new Map<string, string>();
    for (let i = 0; i < ids.length; i += READ_BATCH) {
      const batch = ids.slice(i, i + READ_BATCH);
      const found = await this.kv.getMany<string>(batch.map(key));
      batch.forEach((id, j) => {
        const locale = found[j];
        // Read from storage: checked like any input before it picks a catalogue.
        if (typeof locale === "string" && LOCALE.test(locale)) next.set(id, locale);
      });
    }
    this.#byGuild = next;
  }

  /**
   * Reads one server's locale now if it is not known yet: a batch about to fix its language
   * must not fall back to English because the server was published after the last refresh
   * (its gateway shard started later, or it joined since).
   */
  async ensure(guildId: string): Promise<void> {
    if (this.#byGuild.has(guildId)) return;
    const missedAt = this.#missed.get(guildId);
    if (missedAt !== undefined && this.now() - missedAt < MISS_RETRY_MS) return;
    const locale = await this.kv.get<string>(key(guildId));
    if (typeof locale === "string" && LOCALE.test(locale)) {
      this.#byGuild.set(guildId, locale);
      this.#missed.delete(guildId);
    } else this.#missed.set(guildId, this.now());
  }

  async publish(guilds: Iterable<{ id: string; preferredLocale: string }>): Promise<void> {
    const entries = [...guilds].map((g) => ({ key: key(g.id), value: g.preferredLocale }));
    if (entries.length > 0) await this.kv.setMany(entries);
  }
}

/** The gateway's side: publishes every server's locale now and whenever one joins or changes. */
export function publishGuildLocales(client: Client, locales: GuildLocales, log: Logger): void {
  const publish = (guilds: Iterable<Guild>) =>
    locales
      .publish(guilds)
      .catch((err: unknown) => log.warn({ err }, "could not publish servers' languages"));
  void publish(client.guilds.cache.values());
  client.on(Events.GuildCreate, (guild) => void publish([guild]));
  client.on(Events.GuildUpdate, (_old, guild) => void publish([guild]));
}
