/**
 * A story's picture: read from Media RSS, enclosures and Atom enclosure links, checked, stored,
 * and shown as the card's thumbnail. Real feeds come from the shared corpus, read where it lies
 * (`../shared/corpus/feeds` from the repository root, or FEED_CORPUS_DIR), never copied here.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { buildStoryCard } from "../../src/discord/story-card.js";
import { decodeBody } from "../../src/feeds/charset.js";
import { imageUrlFrom, MAX_IMAGE_URL, pickImage } from "../../src/feeds/media.js";
import { normalizeFeed } from "../../src/feeds/normalize.js";
import { parseFeed } from "../../src/feeds/parse.js";
import type { FeedSource, RawMedia, Story } from "../../src/feeds/types.js";
import { StoryStore } from "../../src/store/stories.js";
import { FEED, story, taxonomy } from "../deliver/fixtures.js";

const CORPUS = process.env.FEED_CORPUS_DIR ?? resolve(process.cwd(), "../shared/corpus/feeds");
const NOW = Date.UTC(2026, 10, 28, 12);

async function storiesOf(xml: string, source: FeedSource = FEED): Promise<Story[]> {
  return normalizeFeed(await parseFeed(xml), source, NOW);
}

async function corpusStories(file: string): Promise<Story[]> {
  const { text } = decodeBody(await readFile(join(CORPUS, file)), undefined, 5_000_000);
  return storiesOf(text, { ...FEED, url: "https://corpus.example/feed" });
}

const media = (m: Partial<RawMedia> & Pick<RawMedia, "url">): RawMedia => ({
  kind: "content",
  ...m,
});

describe("choosing the picture", () => {
  it("takes the largest media:content image or thumbnail, else an image enclosure", () => {
    expect(
      pickImage(
        [
          media({ url: "https://i.example/small.jpg", width: 140 }),
          media({ url: "https://i.example/large.jpg", width: 460 }),
          media({ kind: "thumbnail", url: "https://i.example/thumb.jpg", width: 300 }),
          media({ kind: "enclosure", url: "https://i.example/enc.jpg", type: "image/jpeg" }),
        ],
        undefined,
      ),
    ).toBe("https://i.example/large.jpg");
    expect(
      pickImage(
        [
          media({ url: "https://v.example/clip.mp4", medium: "video", width: 1920 }),
          media({ kind: "enclosure", url: "https://a.example/talk.mp3", type: "audio/mpeg" }),
          media({ kind: "thumbnail", url: "https://i.example/still.jpg" }),
        ],
        undefined,
      ),
    ).toBe("https://i.example/still.jpg");
    expect(
      pickImage(
        [
          media({ kind: "enclosure", url: "https://a.example/talk.mp3", type: "audio/mpeg" }),
          media({ kind: "enclosure", url: "https://i.example/photo.webp?w=600" }),
        ],
        undefined,
      ),
    ).toBe("https://i.example/photo.webp?w=600");
    expect(
      pickImage([media({ kind: "enclosure", url: "https://a.example/x.pdf" })], undefined),
    ).toBeUndefined();
  });

  it("keeps only absolute http(s) URLs, resolved against the item's link, within Discord's length", () => {
    const base = "https://news.example/world/2026/story.html";
    expect(imageUrlFrom("../img/a.jpg", base)).toBe("https://news.example/world/img/a.jpg");
    expect(imageUrlFrom("//cdn.example/a.jpg", base)).toBe("https://cdn.example/a.jpg");
    expect(imageUrlFrom("/a.jpg", undefined)).toBeUndefined();
    expect(imageUrlFrom("javascript:alert(1)", base)).toBeUndefined();
    expect(imageUrlFrom(" JaVaScRiPt:alert(1)", base)).toBeUndefined();
    expect(imageUrlFrom("data:image/png;base64,iVBORw0KGgo=", base)).toBeUndefined();
    expect(imageUrlFrom("ftp://files.example/a.jpg", base)).toBeUndefined();
    expect(imageUrlFrom("https://user:pw@cdn.example/a.jpg", base)).toBeUndefined();
    expect(imageUrlFrom(`https://cdn.example/${"a".repeat(MAX_IMAGE_URL)}.jpg`, base)).toBe(
      undefined,
    );
    // A bad first choice gives way to the next usable one.
    expect(
      pickImage(
        [
          media({ url: "javascript:alert(1)", medium: "image", width: 2000 }),
          media({ url: "https://i.example/ok.jpg", medium: "image", width: 100 }),
        ],
        base,
      ),
    ).toBe("https://i.example/ok.jpg");
  });
});

describe("reading pictures from feeds", () => {
  it("reads media:group, nested thumbnails, enclosures and Atom enclosure links", async () => {
    const rss = `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>T</title><link>https://news.example/</link>
<item><title>Grouped</title><link>https://news.example/a/1</link>
  <media:group><media:content url="https://v.example/1.mp4" medium="video" width="1280"/>
  <media:thumbnail url="thumbs/1.jpg" width="320"/></media:group></item>
<item><title>Nested</title><link>https://news.example/a/2</link>
  <media:content url="https://v.example/2.mp4" type="video/mp4"><media:thumbnail url="https://i.example/2.jpg"/></media:content></item>
<item><title>Two enclosures</title><link>https://news.example/a/3</link>
  <enclosure url="https://a.example/3.mp3" type="audio/mpeg" length="1"/>
  <enclosure url="https://i.example/3.png" type="image/png" length="1"/></item>
<item><title>Hostile</title><link>https://news.example/a/4</link>
  <media:content url="javascript:alert(1)" medium="image"/><enclosure url="data:image/png;base64,AA" type="image/png"/></item>
<item><title>None</title><link>https://news.example/a/5</link></item>
</channel></rss>`;
    expect((await storiesOf(rss)).map((s) => s.imageUrl)).toEqual([
      "https://news.example/a/thumbs/1.jpg",
      "https://i.example/2.jpg",
      "https://i.example/3.png",
      undefined,
      undefined,
    ]);
    const atom = `<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><link href="https://atom.example/"/>
<entry><title>With picture</title><id>urn:1</id><link href="https://atom.example/1"/>
  <link rel="enclosure" type="image/jpeg" href="/img/1.jpg"/></entry>
<entry><title>Audio only</title><id>urn:2</id><link href="https://atom.example/2"/>
  <link rel="enclosure" type="audio/mpeg" href="/a/2.mp3"/></entry>
</feed>`;
    const stories = await storiesOf(atom);
    expect(stories.map((s) => s.imageUrl)).toEqual(["https://atom.example/img/1.jpg", undefined]);
    expect(stories[0]?.url).toBe("https://atom.example/1");
  });

  it("the bundled samples carry pictures", async () => {
    const wire = await storiesOf(await readFile("config/samples/world-wire.rss.xml", "utf8"));
    expect(wire.filter((s) => s.imageUrl).length).toBeGreaterThanOrEqual(2);
    const atom = await storiesOf(await readFile("config/samples/aussenpolitik.atom.xml", "utf8"));
    expect(atom.some((s) => s.imageUrl?.startsWith("https://"))).toBe(true);
  });
});

describe.skipIf(!existsSync(CORPUS))(`pictures in real feeds (${CORPUS})`, () => {
  it.each([
    {
      file: "rss-parser/guardian.rss",
      // Two media:content per item, 140 and 460 wide: the wider one.
      first:
        "https://i.guim.co.uk/img/media/b73c8752cd4667c923dff7f1542f1fb20089e421/0_108_3000_1799/master/3000.jpg?w=460&q=55&auto=format&usm=12&fit=max&s=a606a273a90104e57b1e09bc4c0a1e11",
    },
    {
      file: "feedreader-dotnet/Rss20NYTimes.xml",
      first: "https://static01.nyt.com/images/2017/01/07/us/07trump3_hp/07trump3_hp-moth.jpg",
    },
    {
      file: "feedreader-dotnet/Rss20LeMonde.xml",
      // An enclosure typed image/jpeg.
      first:
        "http://s1.lemde.fr/image/2017/01/07/644x322/5059171_3_64f3_donald-trump-a-new-york-vendredi-6-janvier_0c431925a4e13e9637c8b61bcd22c79b.jpg",
    },
    {
      file: "feedreader-dotnet/Rss20TheMirror.xml",
      // An enclosure without a type: an image by its file name.
      first:
        "http://i1.mirror.co.uk/incoming/article9578840.ece/ALTERNATES/s615/HORRIFIC-FOOTAGE.jpg",
    },
    {
      file: "feed-rs/rss_2.0_spiegel.xml",
      // The podcast's image/jpeg media:content, not its audio/mpeg one or the mp3 enclosure.
      first:
        "https://www.omnycontent.com/d/programs/5ac1e950-45c7-4eb7-87c0-aa0f018441b8/bb17ca27-51f4-4349-bc1e-abc00102c975/image.jpg?t=1589902935&size=Large",
    },
    {
      file: "rss-parser/atom-customfields.atom",
      // YouTube's Atom: the media:group's thumbnail, not its Flash media:content.
      first: "https://i1.ytimg.com/vi/lR-w1h5ONOY/hqdefault.jpg",
    },
    {
      file: "node-feedparser/mediacontent-dupes.xml",
      first: "http://i.mol.im/i/pix/2013/02/03/article-2272640-174FCEE2000005DC-697_154x115.jpg",
    },
    // Audio only: an mp3 enclosure and an audio media:content give no picture.
    { file: "feed-rs/rss_2.0_bbc.xml", first: undefined },
  ])("$file", async ({ file, first }) => {
    const stories = await corpusStories(file);
    expect(stories.length).toBeGreaterThan(0);
    expect(stories[0]?.imageUrl).toBe(first);
    for (const s of stories) {
      if (s.imageUrl === undefined) continue;
      expect(s.imageUrl).toMatch(/^https?:\/\/[^/\s]+\//);
      expect(s.imageUrl.length).toBeLessThanOrEqual(MAX_IMAGE_URL);
    }
  });

  it("every item of the NYT, Le Monde and Guardian feeds gets its picture", async () => {
    for (const file of [
      "feedreader-dotnet/Rss20NYTimes.xml",
      "feedreader-dotnet/Rss20LeMonde.xml",
      "rss-parser/guardian.rss",
    ]) {
      const stories = await corpusStories(file);
      const xml = (await readFile(join(CORPUS, file))).toString("latin1");
      const itemsWithImages = xml
        .split(/<item[\s>]/)
        .slice(1)
        .filter((item) =>
          /<(media:content|enclosure)[^>]*(medium="image"|image\/|\.(jpe?g|png|gif|webp))/i.test(
            item,
          ),
        ).length;
      expect(stories.filter((s) => s.imageUrl).length).toBe(itemsWithImages);
    }
  });
});

describe("stored pictures", () => {
  it("are kept with the story; a story stored before pictures loads and shows no thumbnail", async () => {
    const kv = new Keyv();
    const store = new StoryStore(kv, 30 * 86_400_000, () => Date.UTC(2025, 0, 2));
    const pictured = story(1, { imageUrl: "https://i.example/1.jpg" });
    await store.put([pictured]);
    // The shape written before this change: no imageUrl key at all.
    const { imageUrl: _, ...legacy } = story(2);
    await store.put([legacy]);
    const [a, b] = await store.getMany([pictured.id, legacy.id]);
    expect(a?.imageUrl).toBe("https://i.example/1.jpg");
    expect(b).toBeDefined();
    expect(b && "imageUrl" in b).toBe(false);
    expect(buildStoryCard(a as Story & typeof pictured, { taxonomy }).thumbnail).toEqual({
      url: "https://i.example/1.jpg",
    });
    expect(buildStoryCard(b as typeof legacy, { taxonomy }).thumbnail).toBeUndefined();
  });
});
