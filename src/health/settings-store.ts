/**
 * A server's own settings (`/settings`): today the channel where ForeignDesk reports problems
 * that need an admin. One key per server (`settings:<guild>`), read back through zod so a
 * damaged or foreign entry counts as "no settings" instead of crashing a check.
 */
import type Keyv from "keyv";
import type { Logger } from "pino";
import { z } from "zod";

const snowflake = z.string().regex(/^\d{1,20}$/);

/** Why the log channel could not be used the last time a notice was posted there. */
const logChannelProblemSchema = z.object({
  kind: z.enum(["channel-gone", "forbidden"]),
  /** Discord's English permission names the bot lacked, when known. */
  missing: z.array(z.string()).optional(),
  at: z.number().int(),
});

export type LogChannelProblem = z.infer<typeof logChannelProblemSchema>;

const serverSettingsSchema = z.object({
  logChannelId: snowflake.optional(),
  setBy: snowflake.optional(),
  setAt: z.number().int().optional(),
  /** Set when a notice could not go to the log channel; cleared when an admin chooses it again. */
  logChannelProblem: logChannelProblemSchema.optional(),
});

export type ServerSettings = z.infer<typeof serverSettingsSchema>;

export class ServerSettingsStore {
  constructor(
    private readonly kv: Keyv,
    private readonly log?: Logger,
  ) {}

  async get(guildId: string): Promise<ServerSettings> {
    const raw: unknown = await this.kv.get(this.#key(guildId));
    if (raw === undefined || raw === null) return {};
    const parsed = serverSettingsSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    this.log?.warn({ guildId, err: parsed.error.message }, "damaged server settings ignored");
    return {};
  }

  /** Chooses the log channel (clearing any earlier problem with it). */
  async setLogChannel(guildId: string, channelId: string, by: string, at: number): Promise<void> {
    const { logChannelProblem: _old, ...rest } = await this.get(guildId);
    await this.#put(guildId, { ...rest, logChannelId: channelId, setBy: by, setAt: at });
  }

  async clearLogChannel(guildId: string, by: string, at: number): Promise<void> {
    const { logChannelId: _id, logChannelProblem: _p, ...rest } = await this.get(guildId);
    await this.#put(guildId, { ...rest, setBy: by, setAt: at });
  }

  /** Records that notices cannot go to `channelId` (if it is still the log channel). */
  async markLogChannelProblem(
    guildId: string,
    channelId: string,
    problem: LogChannelProblem,
  ): Promise<void> {
    const settings = await this.get(guildId);
    if (settings.logChannelId !== channelId) return;
    await this.#put(guildId, { ...settings, logChannelProblem: problem });
  }

  /** Forgets a server's settings (the bot left it). */
  async removeGuild(guildId: string): Promise<void> {
    await this.kv.delete(this.#key(guildId));
  }

  async #put(guildId: string, settings: ServerSettings): Promise<void> {
    await this.kv.set(this.#key(guildId), serverSettingsSchema.parse(settings));
  }

  #key(guildId: string): string {
    return `settings:${guildId}`;
  }
}
