/**
 * Through the emulator: refusals that come from below the commands (the feed guard, feed
 * discovery, the option check at the interaction boundary, storage going away) reach a German or
 * French user in their language, never in English; the log keeps its English words.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, INTERNALS, startBotHarness, textOf } from "../helpers/bot-harness.js";
import { FeedServer, serve } from "../helpers/feed-server.js";

const PAGE_WITHOUT_FEEDS = `<!doctype html><html lang="de"><head><title>Zeitung</title>
<link rel="stylesheet" href="/style.css"></head><body><p>Nachrichten</p></body></html>`;

const CLIMATE = { name: "topic", type: 3, value: "climate" };

const PAGE_WITH_FEEDS = `<!doctype html><html><head>
<link rel="alternate" type="application/atom+xml" title="Gazette" href="/gazette.atom">
<link rel="alternate" type="application/rss+xml" title="Kommentare" href="/comments.xml">
</head><body></body></html>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Local Gazette</title><id>urn:gazette</id>
<entry><title>Envoys meet on ceasefire</title><id>urn:g1</id><link href="http://127.0.0.1/g1"/><updated>2026-11-30T10:00:00Z</updated></entry>
</feed>`;

describe("refusals in the user's language", () => {
  let h: BotHarness;
  let server: FeedServer;

  beforeAll(async () => {
    server = await FeedServer.start();
    h = await startBotHarness({ allowPrivateHosts: "127.0.0.1", allowFeedPorts: [server.port] });
    server
      .route("/page", serve(PAGE_WITHOUT_FEEDS, { contentType: "text/html; charset=utf-8" }))
      .route("/front", serve(PAGE_WITH_FEEDS, { contentType: "text/html" }))
      .route("/gazette.atom", serve(ATOM, { contentType: "application/atom+xml" }));
  });
  afterAll(async () => {
    // The last test closes the store; closing it twice may throw.
    await h?.close().catch(() => {});
    await server?.close();
  });

  async function feedsAdd(locale: string, url: string): Promise<string> {
    const { outcome } = await h.run({
      name: "feeds",
      subcommand: "add",
      locale,
      options: [{ name: "url", type: 3, value: url }],
    });
    return outcome.message?.content ?? "";
  }

  it("/feeds add of a private address", async () => {
    const url = "http://10.1.2.3/feed.xml";
    expect(await feedsAdd("de", url)).toBe(
      "Diese Adresse liegt in einem privaten Netz, und das dürfen Feeds nicht nutzen.",
    );
    expect(await feedsAdd("fr", url)).toBe(
      "Cette adresse est sur un réseau privé, ce qui est interdit aux flux.",
    );
    expect(await feedsAdd("en-US", url)).toBe(
      "That address is on a private network, which feeds may not use.",
    );
    expect(h.ctx.guildFeeds.forGuild(h.guildId)).toEqual([]);
  });

  it("/feeds add of a web page that names no feed", async () => {
    const url = server.url("/page");
    const de = await feedsAdd("de", url);
    expect(de).toBe(
      "Diese Adresse ist eine Webseite, kein Feed, und die Seite nennt keinen eigenen Feed. Such auf der Seite nach einem RSS- oder Atom-Link.",
    );
    const fr = await feedsAdd("fr", url);
    expect(fr).toBe(
      "Cette adresse est une page web, pas un flux, et la page n'indique aucun flux. Cherchez sur la page un lien RSS ou Atom.",
    );
    for (const reply of [de, fr]) expect(reply).not.toMatch(INTERNALS);
  });

  it("/feeds add of a web page that names a feed says so in the user's language", async () => {
    const reply = await feedsAdd("fr", server.url("/front"));
    expect(reply).toContain(
      "✅ Cette adresse est une page web ; elle indique le flux **Local Gazette**",
    );
    expect(reply).toContain(
      `La page indique aussi : Kommentare \`${server.url("/comments.xml")}\`.`,
    );
    await h.ctx.guildFeeds.remove(h.guildId, h.ctx.guildFeeds.forGuild(h.guildId)[0]?.id ?? "");
    const de = await feedsAdd("de", server.url("/front"));
    expect(de).toContain(
      "✅ Diese Adresse ist eine Webseite; sie nennt den Feed **Local Gazette**",
    );
    await h.ctx.guildFeeds.remove(h.guildId, h.ctx.guildFeeds.forGuild(h.guildId)[0]?.id ?? "");
  });

  it("an option the option check refuses names the option as the user's client does", async () => {
    const refused = async (locale: string) => {
      const { record, outcome } = await h.run({
        name: "subscribe",
        locale,
        options: [CLIMATE, { name: "min_score", type: 10, value: 7 }],
      });
      const line = h.logs.find(
        (l) => l.msg === "command options refused" && l.interactionId === record.id,
      );
      return { reply: outcome.message?.content, logged: line?.problem };
    };
    expect(await refused("de")).toEqual({
      reply: "`mindestwert` muss eine Zahl von 0 bis 1 sein.",
      logged: "`min_score` must be a number from 0 to 1.",
    });
    expect((await refused("fr")).reply).toBe("`score_min` doit être un nombre de 0 à 1.");
    const missing = await h.run({ name: "feeds", subcommand: "add", locale: "fr" });
    expect(missing.outcome.message?.content).toBe("`url` est obligatoire pour /flux ajouter.");
    const voiceId = h.emu.addChannel(h.guildId, { name: "Lounge", type: 2 }).id;
    const channel = { name: "channel", type: 7, value: voiceId };
    const de = await h.run({ name: "subscribe", locale: "de", options: [CLIMATE, channel] });
    expect(de.outcome.message?.content).toBe(
      "`kanal` muss ein Kanal dieser Art sein: Text, Ankündigung, Thread, Forum oder Medien.",
    );
    const fr = await h.run({ name: "subscribe", locale: "fr", options: [CLIMATE, channel] });
    expect(fr.outcome.message?.content).toBe(
      "`salon` doit être un salon de l'un de ces types : textuel, annonces, fil, forum ou média.",
    );
  });

  it("why a subscription is paused or disabled", async () => {
    await h.run({ name: "subscribe", options: [CLIMATE] });
    const channelId = h.ctx.subscriptions.forGuild(h.guildId)[0]?.channelId ?? "";
    await h.ctx.subscriptions.setChannelStatus(
      h.guildId,
      channelId,
      "paused",
      "ForeignDesk lacks Send Messages, Embed Links in this channel",
      { code: "missing-permissions", permissions: ["Send Messages", "Embed Links"] },
    );
    const listed = async (locale: string) =>
      textOf((await h.run({ name: "subscriptions", locale })).outcome);
    expect(await listed("de")).toContain(
      "⏸️ pausiert: fehlende Berechtigungen für ForeignDesk in diesem Kanal: Nachrichten senden und Links einbetten",
    );
    expect(await listed("fr")).toContain(
      "⏸️ en pause : permissions manquantes pour ForeignDesk dans ce salon : Envoyer des messages et Intégrer des liens",
    );
    expect(await listed("en-US")).toContain(
      "paused: ForeignDesk lacks Send Messages and Embed Links in this channel",
    );
    await h.ctx.subscriptions.setChannelStatus(h.guildId, channelId, "active");
    await h.ctx.subscriptions.setChannelStatus(
      h.guildId,
      channelId,
      "disabled",
      "the channel was deleted",
      {
        code: "channel-deleted",
      },
    );
    const status = textOf((await h.run({ name: "status", locale: "de" })).outcome);
    expect(status).toContain("deaktiviert (der Kanal wurde gelöscht)");
  });

  it("the storage-unavailable notice", async () => {
    await h.storage.close();
    for (const [locale, notice] of [
      ["de", "Der Speicher ist gerade nicht erreichbar; versuche es in einer Minute erneut."],
      ["fr", "Le stockage est indisponible pour le moment ; réessayez dans une minute."],
    ] as const) {
      const { outcome } = await h.run({ name: "status", locale });
      expect(outcome.message?.content, locale).toBe(notice);
    }
  });
});
