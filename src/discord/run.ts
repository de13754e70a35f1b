import { Events } from "discord.js";
import type { Logger } from "pino";
import { createApp } from "../app.js";
import type { EnvConfig } from "../config/env.js";
import { loadFeedsFile } from "../config/feeds.js";
import { DiscordJsPoster } from "../deliver/poster.js";
import { nodeCronRunner } from "../digest/cron-runner.js";
import { ScheduleStore } from "../digest/schedule-store.js";
import { DigestScheduler } from "../digest/scheduler.js";
import { GuildFeedStore, mergeFeeds } from "../feeds/guild-feeds.js";
import { ServerSettingsStore } from "../health/settings-store.js";
import { HealthTracker } from "../health/tracker.js";
import { loadMessages } from "../i18n/messages.js";
import { StoryIndex } from "../search/index.js";
import { summarize } from "../summarize/index.js";
import { warmUpCharts } from "../trends/render.js";
import { buildDelivery, type Delivery } from "../work/delivery.js";
import { createWork, openFleet } from "../work/fleet.js";
import { GuildLocales, publishGuildLocales } from "../work/guild-locales.js";
import type { WorkScheduler } from "../work/scheduler.js";
import { serverLanguage } from "./alert-language.js";
import { createDiscordClient } from "./client.js";
import { commandDefinitions, loadCommands, syncCommands } from "./commands.js";
import type { BotContext } from "./context.js";
import { createInteractionHandler } from "./interactions.js";
import { PermissionRecovery } from "./permission-recovery.js";
import { cachedPermissionView, watchPermissionChanges } from "./permission-watch.js";
import { clientShardScope } from "./shard-scope.js";

export interface RunningBot {
  stop(): Promise<void>;
}

const DRAIN_MS = 7_000;

/**
 * The bot connected to Discord: the same pipeline as terminal mode, with alerts going through the
 * durable outbox to subscribed channels, and slash commands answered.
 */
export async function startDiscordBot(config: EnvConfig, baseLog: Logger): Promise<RunningBot> {
  const token = config.DISCORD_TOKEN;
  if (!token) throw new Error("DISCORD_TOKEN is not set");
  let log = baseLog;
  const operatorFeeds = await loadFeedsFile(config.FEEDS_FILE);
  if (operatorFeeds.length === 0) {
    // Servers may still add feeds, so this is not fatal; but an empty file is usually a mistake.
    log.warn(
      { feedsFile: config.FEEDS_FILE },
      `FEEDS_FILE ${config.FEEDS_FILE} lists no feeds; only feeds servers add with /feeds add will be polled`,
    );
  }
  const commands = await loadCommands();
  const i18n = loadMessages();
  // Localised definitions are checked now, before connecting, so a bad translation stops start-up.
  const definitions = commandDefinitions(commands, i18n);
  const client = createDiscordClient({
    apiUrl: config.DISCORD_API_URL,
    globalRequestsPerSecond: config.DISCORD_GLOBAL_RATE,
  });
  const retentionMs = config.RETENTION_DAYS * 86_400_000;
  // Under `npm run start:sharded` this process is one shard: it answers for its servers only.
  const scope = clientShardScope(client);
  const sharded = client.shard !== null;
  if (sharded) log = log.child({ shards: scope.shards, shardCount: scope.count });

  let search: StoryIndex | undefined;
  // Work runs as jobs on Redis when there is one for it (src/work/), here otherwise.
  const fleet = await openFleet(config, log);
  let parts: Delivery | undefined;
  // Alerts for servers another shard holds speak the language that shard published.
  let locales: GuildLocales | undefined;
  const app = await createApp({
    config,
    log,
    ...(fleet ? { fleet } : {}),
    makeSink: ({ storage, taxonomy, metrics }) => {
      const language = serverLanguage(client, i18n, (guildId) => locales?.get(guildId));
      parts = buildDelivery({
        storage,
        taxonomy,
        rest: client.rest,
        client,
        language,
        // A server another shard holds: its published locale, read now if not known yet.
        languageReady: async (guildId) => {
          if (!client.guilds.cache.has(guildId)) await locales?.ensure(guildId);
        },
        config,
        log,
        fleet,
        metrics,
      });
      return parts.sink;
    },
    onStored: (stories) => search?.add(stories),
  });
  if (!parts) throw new Error("the Discord sink was not built");
  const { subscriptions, sender } = parts;
  await subscriptions.load();
  const guildFeeds = new GuildFeedStore(app.storage.kv, undefined, fleet?.lock);
  await guildFeeds.load();
  if (fleet && scope.count > 1) locales = new GuildLocales(app.storage.kv);
  const subscribedGuilds = () => [...subscriptions.channels()].map((c) => c.guildId);
  await locales?.load(subscribedGuilds());
  const work: WorkScheduler = await createWork({
    config,
    log,
    fleet,
    app,
    outbox: parts.outbox,
    sender,
    feeds: () => mergeFeeds(operatorFeeds, guildFeeds.allFeeds()),
    refresh: async () => {
      await subscriptions.load();
      await guildFeeds.load();
      await locales?.load(subscribedGuilds());
      // Stories the fleet's other processes stored, for /search and "More like this" here.
      const added = await search?.catchUp(app.stories);
      if (added) log.debug({ stories: added }, "search index caught up with the fleet");
    },
    drainMs: DRAIN_MS,
  });
  parts.relay.to = work;
  search = await StoryIndex.fromStore(app.stories, { retentionMs });
  // Counts stories stored before /trends existed, once; in the background, as it reads them all.
  // One shard does it: two reading the same stories at once could count them twice.
  if (scope.leader) {
    app.trends
      .backfill(app.stories, retentionMs)
      .then((done) => {
        if (done.days > 0) log.info(done, "trend counts back-filled");
      })
      .catch((err: unknown) => log.error({ err }, "trend counts: back-fill failed"));
  }
  warmUpCharts();
  const digestStore = new ScheduleStore(app.storage.kv, log, fleet?.lock);
  await digestStore.load();
  const digests = new DigestScheduler({
    store: digestStore,
    stories: app.stories,
    taxonomy: app.taxonomy,
    poster: new DiscordJsPoster(client.rest, { client }),
    language: serverLanguage(client, i18n),
    cron: nodeCronRunner,
    now: Date.now,
    log,
    owns: scope.owns,
  });
  const settings = new ServerSettingsStore(app.storage.kv, log);
  // Health notices read the stores' state: they need no hook in the sender or the poller.
  const health = new HealthTracker(
    {
      kv: app.storage.kv,
      settings,
      subscriptions,
      guildFeeds,
      states: app.states,
      poster: new DiscordJsPoster(client.rest, { client }),
      language: serverLanguage(client, i18n),
      taxonomy: app.taxonomy,
      log,
      now: Date.now,
      storage: app.storage.health,
      owns: scope.owns,
    },
    { intervalMs: config.HEALTH_CHECK_SEC * 1000 },
  );
  await health.load();
  // Re-activated subscriptions: their queued alerts go now, and the health notice closes.
  const wakeDelivery = (channelId: string): void => {
    work.notify(channelId);
    health.wake();
  };
  // Channels paused for a lost permission or a locked thread resume once the cache shows it fixed.
  const recovery = new PermissionRecovery({
    subscriptions,
    view: cachedPermissionView(client),
    wake: wakeDelivery,
    log,
    owns: scope.owns,
  });
  const unwatch = watchPermissionChanges(client, recovery);

  const ctx: BotContext = {
    config,
    log,
    taxonomy: app.taxonomy,
    // The pipeline's own: loading the model twice would cost start-up time and ~44 MB.
    classifier: app.classifier,
    summarize,
    stories: app.stories,
    trends: app.trends,
    states: app.states,
    subscriptions,
    fetcher: app.fetcher,
    operatorFeeds,
    guildFeeds,
    search,
    now: Date.now,
    i18n,
    digests,
    settings,
    wakeDelivery,
  };

  client.on(Events.InteractionCreate, createInteractionHandler(commands, ctx));
  client.on(Events.GuildDelete, (guild) => {
    // The bot was removed from the server (an outage shows as GuildUnavailable instead).
    void Promise.all([
      subscriptions.removeGuild(guild.id),
      guildFeeds.removeGuild(guild.id),
      digests.removeGuild(guild.id),
      settings.removeGuild(guild.id),
    ])
      .then(() => log.info({ guildId: guild.id }, "left a server; its data was removed"))
      .catch((err: unknown) =>
        log.error({ err, guildId: guild.id }, "could not remove a server's data"),
      );
  });
  client.on(Events.ChannelDelete, (channel) => {
    if (!("guildId" in channel) || !channel.guildId) return;
    void subscriptions
      .setChannelStatus(channel.guildId, channel.id, "disabled", "the channel was deleted", {
        code: "channel-deleted",
      })
      .then(() => health.wake())
      .catch((err: unknown) =>
        log.error({ err, channelId: channel.id }, "could not disable subscriptions"),
      );
    void digests
      .channelDeleted(channel.guildId, channel.id)
      .catch((err: unknown) =>
        log.error({ err, channelId: channel.id }, "could not disable digest schedules"),
      );
  });
  client.on(Events.ThreadDelete, (thread) => {
    void subscriptions
      .setChannelStatus(thread.guildId, thread.id, "disabled", "the thread was deleted", {
        code: "thread-deleted",
      })
      .then(() => health.wake())
      .catch((err: unknown) =>
        log.error({ err, channelId: thread.id }, "could not disable subscriptions"),
      );
  });
  client.on(Events.Error, (err) => log.error({ err }, "discord client error"));
  client.on(Events.Warn, (message) => log.warn({ message }, "discord client warning"));

  const ready = new Promise<void>((resolve, reject) => {
    client.once(Events.ClientReady, (c) => {
      log.info({ user: c.user.tag, guilds: c.guilds.cache.size }, "connected to Discord");
      void (async () => {
        // Commands are the application's, not a shard's: the shard holding shard 0 registers them.
        if (scope.leader) {
          const wrote = await syncCommands(
            c.rest,
            c.application.id,
            definitions,
            config.DISCORD_GUILD_ID,
          );
          log.info(
            { updated: wrote, guildId: config.DISCORD_GUILD_ID ?? null },
            "slash commands in place",
          );
        } else {
          log.info("shard ready; slash commands are registered by shard 0");
        }
        health.start();
        recovery.start();
        // Workers without a gateway speak each server's language as published here.
        if (fleet) publishGuildLocales(client, new GuildLocales(app.storage.kv), log);
        // Arms each schedule and catches up a slot missed while the bot was down (in the background).
        await digests.start();
        await work.start();
      })().then(resolve, reject);
    });
  });
  await client.login(token);
  await ready;

  return {
    async stop() {
      app.poller.stop();
      await work.stop();
      await digests.stop();
      await health.stop();
      unwatch();
      await recovery.stop();
      await client.destroy();
      await app.close();
      await fleet?.close();
    },
  };
}
