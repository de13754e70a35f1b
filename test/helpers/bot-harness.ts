/**
 * The whole bot on a local Discord: the emulator, a guild with two text channels, an admin (Manage
 * Server) and an ordinary member, in-memory storage, a BotContext of real parts (the real
 * classifier and the real summariser from src/summarize), the real commands from `commands/`
 * registered with syncCommands, and the REAL discord.js client logged in with the interaction
 * handler attached. Tests drive it with `run()` / `autocomplete()` and read what Discord got.
 */
import type { Client } from "discord.js";
import pino from "pino";
import { loadClassifier, loadTaxonomy } from "../../src/classify/index.js";
import { StoryClusterer } from "../../src/cluster/clusterer.js";
import { loadClusterModel } from "../../src/cluster/model.js";
import { loadEnvConfig } from "../../src/config/env.js";
import { DiscordJsPoster } from "../../src/deliver/poster.js";
import { ScheduleStore } from "../../src/digest/schedule-store.js";
import { DigestScheduler } from "../../src/digest/scheduler.js";
import { serverLanguage } from "../../src/discord/alert-language.js";
import { createDiscordClient } from "../../src/discord/client.js";
import type { SlashCommand } from "../../src/discord/command.js";
import { commandDefinitions, loadCommands, syncCommands } from "../../src/discord/commands.js";
import type { BotContext } from "../../src/discord/context.js";
import { Cooldowns } from "../../src/discord/cooldown.js";
import { createInteractionHandler } from "../../src/discord/interactions.js";
import { createEnricher } from "../../src/enrich/enricher.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import { parseHostAllowList } from "../../src/feeds/allow-list.js";
import { Fetcher } from "../../src/feeds/fetch.js";
import { GuildFeedStore } from "../../src/feeds/guild-feeds.js";
import { feedIdFor, storyIdFor } from "../../src/feeds/id.js";
import type { Story } from "../../src/feeds/types.js";
import { ServerSettingsStore } from "../../src/health/settings-store.js";
import { loadMessages } from "../../src/i18n/messages.js";
import { StoryIndex } from "../../src/search/index.js";
import { FeedStateStore } from "../../src/store/feed-state.js";
import { openStorage, type Storage } from "../../src/store/open.js";
import { StoryStore } from "../../src/store/stories.js";
import { SubscriptionStore } from "../../src/subscriptions/store.js";
import { summarize } from "../../src/summarize/index.js";
import { DailyCounts } from "../../src/trends/counts.js";
import {
  type AutocompleteChoice,
  type CommandOptionInput,
  DiscordEmulator,
  type InteractionOutcome,
  type InteractionRecord,
} from "../discord-emulator/index.js";
import { FakeCron } from "./fake-cron.js";

export const ADMIN = { id: "500000000000000001", username: "editor" };
export const MEMBER = { id: "500000000000000002", username: "reader" };
/** Manage Server + the basics; Discord sends computed permissions in `member.permissions`. */
export const ADMIN_PERMISSIONS = (1n << 5n) | (1n << 10n) | (1n << 11n) | (1n << 14n);
export const MEMBER_PERMISSIONS = (1n << 10n) | (1n << 11n);
const RETENTION_MS = 30 * 86_400_000;

/** Which summariser the context uses: src/summarize exists, so the real one. */
export const SUMMARIZER = "real (src/summarize/index.ts)";

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface RunInput {
  name: string;
  /** Who runs it (default the admin). */
  as?: "admin" | "member";
  channelId?: string;
  options?: CommandOptionInput[];
  subcommand?: string;
  /** How long to wait for the visible answer. */
  timeoutMs?: number;
  /** The user's Discord locale (default "en-US"), e.g. "de", "fr", "en-GB". */
  locale?: string;
}

export interface SeedStory {
  title: string;
  text: string;
  feedName?: string;
  url?: string;
  /** How long ago it was published (default 30 minutes). */
  minutesAgo?: number;
  language?: string;
  author?: string;
  imageUrl?: string;
}

export interface BotHarness {
  emu: DiscordEmulator;
  client: Client;
  ctx: BotContext;
  commands: Map<string, SlashCommand>;
  storage: Storage;
  guildId: string;
  newsId: string;
  alertsId: string;
  logs: LogRecord[];
  /** The digest scheduler's cron: nothing fires unless a test fires it. */
  cron: FakeCron;
  /** Runs a slash command and waits for its visible answer. */
  run(input: RunInput): Promise<{ record: InteractionRecord; outcome: InteractionOutcome }>;
  /** Sends an autocomplete interaction; `options` must mark one option focused. */
  autocomplete(input: RunInput): Promise<AutocompleteChoice[]>;
  /** Stores stories as the pipeline would: normalised, classified, summarised, indexed. */
  seed(stories: SeedStory[]): Promise<TaggedStory[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Commands added to those in `commands/` (e.g. one that throws). */
  extraCommands?: SlashCommand[];
  /** The server's language (Discord's preferred_locale; default en-US). */
  guildLocale?: string;
  /** Operator allow-list for private feed hosts (like ALLOW_PRIVATE_FEED_HOSTS). */
  allowPrivateHosts?: string;
  /** Ports besides 80 and 443 that servers' feeds may use (like ALLOW_FEED_PORTS). */
  allowFeedPorts?: number[];
  /** Storage other than in-memory SQLite (e.g. Redis behind a proxy a test can cut). */
  storage?: { url: string; namespace?: string };
  /** The digest scheduler's clock (default Date.now), so a test can put it at a slot. */
  digestNow?: () => number;
}

export function makeFetcher(allow = "", ports: number[] = []): Fetcher {
  return new Fetcher({
    timeoutMs: 5000,
    connectTimeoutMs: 2000,
    maxBytes: 1_000_000,
    maxRedirects: 3,
    userAgent: "ForeignDesk-test",
    policy: { allow: parseHostAllowList(allow), ports: new Set(ports) },
  });
}

export async function startBotHarness(options: HarnessOptions = {}): Promise<BotHarness> {
  const logs: LogRecord[] = [];
  const log = pino(
    { level: "debug" },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) },
  );
  const now = () => Date.now();
  const namespace = options.storage?.namespace;
  const storage = await openStorage(
    options.storage?.url ?? "sqlite://:memory:",
    namespace ? { namespace } : {},
  );
  const taxonomy = loadTaxonomy();
  const classifier = loadClassifier(taxonomy);
  const subscriptions = new SubscriptionStore(storage.kv);
  await subscriptions.load();
  const guildFeeds = new GuildFeedStore(storage.kv);
  await guildFeeds.load();
  const trends = new DailyCounts(storage.kv, now);
  const stories = new StoryStore(storage.kv, RETENTION_MS, now, { counts: trends });

  const commands = await loadCommands();
  for (const extra of options.extraCommands ?? []) commands.set(extra.data.name, extra);

  const emu = await DiscordEmulator.start();
  const guild = emu.addGuild({
    name: "ForeignDesk test",
    channels: [{ name: "news" }, { name: "alerts" }],
    ...(options.guildLocale ? { preferredLocale: options.guildLocale } : {}),
  });
  emu.addMember(guild.id, ADMIN, ADMIN_PERMISSIONS);
  emu.addMember(guild.id, MEMBER, MEMBER_PERMISSIONS);

  const client = createDiscordClient({ apiUrl: emu.apiUrl, globalRequestsPerSecond: 50 });
  const cron = new FakeCron();
  const i18n = loadMessages();
  const ctx: BotContext = {
    config: loadEnvConfig({}),
    log,
    taxonomy,
    classifier,
    summarize,
    stories,
    trends,
    states: new FeedStateStore(storage.kv),
    subscriptions,
    fetcher: makeFetcher(options.allowPrivateHosts, options.allowFeedPorts),
    operatorFeeds: [
      { id: "wire", name: "Wire", url: "https://wire.example/feed", origin: "operator" },
    ],
    guildFeeds,
    search: await StoryIndex.fromStore(stories, { retentionMs: RETENTION_MS, now }),
    now,
    i18n,
    digests: new DigestScheduler(
      {
        store: new ScheduleStore(storage.kv, log),
        stories,
        taxonomy,
        poster: new DiscordJsPoster(client.rest, { client }),
        language: serverLanguage(client, i18n),
        cron,
        now: options.digestNow ?? now,
        log,
        sleep: async () => {},
      },
      // The emulator answers fast; no test waits for retries.
      { retryDelaysMs: [0, 0] },
    ),
    settings: new ServerSettingsStore(storage.kv, log),
  };
  // Each run() is a minute after the last as far as cooldowns go, so tests can repeat commands.
  let runs = 0;
  const cooldowns = new Cooldowns(() => Date.now() + runs * 60_000);
  client.on("interactionCreate", createInteractionHandler(commands, ctx, cooldowns));
  const ready = new Promise<void>((resolve) => client.once("clientReady", () => resolve()));
  await client.login(emu.token);
  await ready;
  await ctx.digests.start();
  await syncCommands(
    client.rest,
    emu.applicationId,
    commandDefinitions(commands, ctx.i18n),
    guild.id,
  );

  // Seeded stories are clustered as the pipeline clusters them.
  const clusterer = new StoryClusterer(loadClusterModel(), now);
  const enricher = createEnricher({
    classifier,
    summarize,
    summaryBudget: 500,
    cluster: (story, analysis) => clusterer.assign(story, analysis),
  });
  let seq = 0;

  const send = async (kind: "command" | "autocomplete", input: RunInput) => {
    const user = input.as === "member" ? MEMBER : ADMIN;
    const payload = {
      guildId: guild.id,
      channelId: input.channelId ?? guild.channelId("news"),
      userId: user.id,
      name: input.name,
      options: input.options,
      subcommand: input.subcommand,
      locale: input.locale,
    };
    return kind === "command" ? emu.sendSlashCommand(payload) : emu.sendAutocomplete(payload);
  };

  return {
    emu,
    client,
    ctx,
    commands,
    storage,
    guildId: guild.id,
    newsId: guild.channelId("news"),
    alertsId: guild.channelId("alerts"),
    logs,
    cron,
    async run(input) {
      runs++;
      const record = await send("command", input);
      const outcome = await record.waitForResponse(input.timeoutMs ?? 4000);
      return { record, outcome };
    },
    async autocomplete(input) {
      const record = await send("autocomplete", input);
      const outcome = await record.waitForResponse(input.timeoutMs ?? 2000);
      return outcome.choices ?? [];
    },
    async seed(items) {
      const tagged = items.map((item) => {
        const feedName = item.feedName ?? "Wire";
        const feedId = feedIdFor(
          `https://${feedName.toLowerCase().replace(/\W+/g, "-")}.example/feed`,
        );
        const publishedAt = new Date(now() - (item.minutesAgo ?? 30) * 60_000).toISOString();
        seq++;
        const story: Story = {
          id: storyIdFor(feedId, item.url ?? `${item.title}#${seq}`),
          feedId,
          feedName,
          title: item.title,
          text: item.text,
          url: item.url,
          publishedAt,
          publishedEstimated: false,
          firstSeenAt: publishedAt,
          language: item.language,
          categories: [],
          ...(item.author ? { author: item.author } : {}),
          ...(item.imageUrl ? { imageUrl: item.imageUrl } : {}),
        };
        return enricher.enrich(story);
      });
      await ctx.stories.put(tagged);
      ctx.search.add(tagged);
      return tagged;
    },
    async close() {
      await ctx.digests.stop();
      await client.destroy();
      await emu.stop();
      await ctx.fetcher.close();
      await storage.close();
    },
  };
}

/** Every string of an answer (content and embed text), for "does it mention X" assertions. */
export function textOf(outcome: InteractionOutcome): string {
  const message = outcome.message;
  if (!message) return "";
  return [message.content, JSON.stringify(message.embeds)].join("\n");
}

export const EPHEMERAL_FLAG = 64;

/** What a server admin must never read: setting names, parser positions, library and range words. */
export const INTERNALS =
  /ALLOW_|FEEDS_FILE|STORAGE_URL|Line: \d|Column: \d|Char:|loopback|linkLocal|resolves to|throwOnConnectError|Redis|SQLITE|Keyv|rss-parser|xml2js|\bsax\b/i;
