/**
 * `ROLE=worker`: a process of the fleet without a gateway. It logs in to nothing; it takes fetch
 * and delivery jobs from the queue and posts over REST with the token. Slash commands, digests,
 * health notices and permission recovery stay with the processes that hold the gateway.
 */
import type { Logger } from "pino";
import { createApp } from "../app.js";
import { ConfigError, type EnvConfig } from "../config/env.js";
import { loadFeedsFile } from "../config/feeds.js";
import { GuildFeedStore, mergeFeeds } from "../feeds/guild-feeds.js";
import { loadMessages } from "../i18n/messages.js";
import { buildDelivery, type Delivery } from "./delivery.js";
import { createWork, openFleet, queueUrlOf } from "./fleet.js";
import { GuildLocales } from "./guild-locales.js";

const DRAIN_MS = 7_000;

export async function startQueueWorker(
  config: EnvConfig,
  log: Logger,
): Promise<{ stop(): Promise<void> }> {
  const token = config.DISCORD_TOKEN;
  if (!token) throw new ConfigError("ROLE=worker: DISCORD_TOKEN is needed to post alerts");
  if (!queueUrlOf(config)) {
    throw new ConfigError(
      "ROLE=worker: a worker takes its work from Redis; set QUEUE_URL or a redis:// STORAGE_URL",
    );
  }
  const operatorFeeds = await loadFeedsFile(config.FEEDS_FILE);
  const fleet = await openFleet(config, log);
  const i18n = loadMessages();
  // Without a gateway a server's language is what the gateway process published (English until
  // it has); a batch keeps the one it was started in.
  let locales: GuildLocales | undefined;
  const language = (guildId: string, locale?: string) => i18n.for(locale ?? locales?.get(guildId));
  let parts: Delivery | undefined;
  const app = await createApp({
    config,
    log,
    ...(fleet ? { fleet } : {}),
    makeSink: ({ storage, taxonomy, metrics }) => {
      parts = buildDelivery({
        storage,
        taxonomy,
        language,
        // A server published since the last refresh is read now, not alerted in English.
        languageReady: async (guildId) => {
          await locales?.ensure(guildId);
        },
        config,
        log,
        fleet,
        metrics,
      });
      return parts.sink;
    },
  });
  if (!parts) throw new Error("the Discord sink was not built");
  const { subscriptions, sender, outbox } = parts;
  const guildFeeds = new GuildFeedStore(app.storage.kv, undefined, fleet?.lock);
  const known = new GuildLocales(app.storage.kv);
  locales = known;
  const refresh = async () => {
    await subscriptions.load();
    await guildFeeds.load();
    await known.load([...subscriptions.channels()].map((c) => c.guildId));
  };
  await refresh();
  const work = await createWork({
    config,
    log,
    fleet,
    app,
    outbox,
    sender,
    feeds: () => mergeFeeds(operatorFeeds, guildFeeds.allFeeds()),
    refresh,
    drainMs: DRAIN_MS,
  });
  parts.relay.to = work;
  await work.start();
  log.info({ role: "worker", pid: process.pid }, "worker started: fetching and delivering");
  return {
    async stop() {
      app.poller.stop();
      await work.stop();
      await app.close();
      await fleet?.close();
    },
  };
}
