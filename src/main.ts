import { createApp } from "./app.js";
import { ConfigError, type EnvConfig } from "./config/env.js";
import { loadFeedsFile } from "./config/feeds.js";
import { failStartup, loadConfigOrExit } from "./config/startup.js";
import { formatPollReport, TerminalSink } from "./deliver/terminal.js";
import { startDiscordBot } from "./discord/run.js";
import { loadMessages } from "./i18n/messages.js";
import { createLogger } from "./log.js";
import { startSchedule } from "./schedule/cron.js";
import { StorageError } from "./store/open.js";
import { maskStorageUrl } from "./store/url-secrets.js";

const SAMPLE_FEEDS = "config/samples/feeds.json";
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  // Anything that escapes every handler is logged with its stack; a rejection is survivable (the
  // work it belonged to is retried by the next cycle), an exception leaves state unknown: exit.
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled rejection"));
  process.on("uncaughtException", (err) => {
    log.fatal({ err }, "uncaught exception; exiting");
    process.exit(1);
  });
  // Handlers go in before anything starts: a signal during start-up still ends cleanly.
  const shutdown = stopOnSignals(log);
  if (config.ROLE === "worker") {
    const { startQueueWorker } = await import("./work/worker-run.js");
    const worker = await startQueueWorker(config, log);
    shutdown.use(() => worker.stop());
    return;
  }
  if (config.DISCORD_TOKEN) {
    const bot = await startDiscordBot(config, log);
    shutdown.use(() => bot.stop());
    return;
  }
  shutdown.use(await runTerminal(config, log));
}

/**
 * SIGINT/SIGTERM: finish or hand back in-flight work and close the store, within the grace time.
 * Until `use()` names what to stop (still starting), a signal just exits: nothing is in flight.
 */
function stopOnSignals(log: ReturnType<typeof createLogger>): {
  use(stop: () => Promise<void>): void;
} {
  let stop: () => Promise<void> = async () => {};
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  if (process.env.SHARDING_MANAGER && process.send) {
    // A shard of `npm run start:sharded`: without its manager nobody would stop or restart it.
    process.once("disconnect", () => onSignal("manager-gone"));
    // discord.js tells the manager of gateway events over IPC; once that is closed (the manager
    // gone, or shutting down) a report that cannot be sent is no reason to crash.
    process.on("error", (err) => log.debug({ err }, "could not report to the shard manager"));
  }
  return {
    use(next) {
      stop = next;
    },
  };
}

async function runTerminal(
  config: EnvConfig,
  log: ReturnType<typeof createLogger>,
): Promise<() => Promise<void>> {
  // Without Discord the bot reads the bundled sample feeds, unless the operator named a file.
  const explicitFeeds = Boolean(process.env.FEEDS_FILE?.trim());
  const feedsFile = explicitFeeds ? config.FEEDS_FILE : SAMPLE_FEEDS;
  const feeds = await loadFeedsFile(feedsFile);
  // Feed problems are printed in the catalogue's English words, the ones users read in Discord.
  const english = loadMessages().for("en");
  if (feeds.length === 0) {
    // Without Discord no server can add a feed: an empty file leaves nothing to do.
    throw new ConfigError(`FEEDS_FILE: ${feedsFile} lists no feeds, so there is nothing to poll`);
  }
  const backlog = process.env.BACKLOG_ALERTS?.trim()
    ? config.BACKLOG_ALERTS
    : explicitFeeds
      ? config.BACKLOG_ALERTS
      : 1000;
  const sink = new TerminalSink();
  const app = await createApp({
    config,
    log,
    makeSink: () => sink,
    backlogAlerts: backlog,
    // Each poll event is printed below as one line; at info the log would say it all again.
    pollLog: log.isLevelEnabled("debug") ? log : log.child({}, { level: "error" }),
  });
  process.stdout.write(
    [
      "ForeignDesk — terminal mode: no DISCORD_TOKEN is set, so stories with a topic are printed here as alerts.",
      `Reading ${feeds.length} feeds from ${feedsFile} on the schedule "${config.POLL_SCHEDULE}"; stories are stored in ${maskStorageUrl(config.STORAGE_URL)}.`,
      "To post to Discord instead, put DISCORD_TOKEN=<your bot token> in .env (see README: Running against Discord).",
      "",
    ].join("\n"),
  );
  const schedule = startSchedule(
    config.POLL_SCHEDULE,
    async () => {
      const before = { printed: sink.printed, untagged: sink.untagged, folded: sink.folded };
      const report = await app.cycle(feeds);
      const counts = {
        printed: sink.printed - before.printed,
        untagged: sink.untagged - before.untagged,
        folded: sink.folded - before.folded,
      };
      for (const line of formatPollReport(report, counts, english))
        process.stdout.write(`${line}\n`);
    },
    log,
    { overlapDetail: () => ({ inFlight: app.poller.inFlight() }) },
  );
  return async () => {
    app.poller.stop();
    await schedule.stop();
    await app.close();
  };
}

process.on("unhandledRejection", (reason) => {
  process.stderr.write(
    `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`,
  );
});

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StorageError) failStartup(error.message);
  failStartup(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
