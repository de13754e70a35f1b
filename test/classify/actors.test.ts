import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import countries from "i18n-iso-countries";
import { describe, expect, it } from "vitest";
import {
  ACTOR_KINDS,
  ACTOR_LANGUAGES,
  type Actor,
  loadActors,
  nameKey,
  parseActors,
} from "../../src/classify/actors.js";
import { parseTerm } from "../../src/classify/lexicon.js";
import { loadTaxonomy } from "../../src/classify/taxonomy.js";

const file = loadActors();
const { actors } = file;

const actor = (over: Partial<Actor> = {}): Actor => ({
  id: "navalny",
  kind: "prisoner",
  names: { en: ["Alexei Navalny"], de: ["Alexej Nawalny"], fr: ["Alexeï Navalny"] },
  topics: ["human-rights", "russia-ukraine"],
  countries: ["RU"],
  ...over,
});

describe("config/actors.json", () => {
  it("loads and is large enough to matter", () => {
    expect(file.version).toBe(1);
    expect(actors.length).toBeGreaterThanOrEqual(700);
    for (const kind of ACTOR_KINDS) expect(actors.some((a) => a.kind === kind)).toBe(true);
  });

  it("has unique ids", () => {
    const ids = actors.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("uses only topic ids that config/topics.json defines", () => {
    const known = new Set(loadTaxonomy().topics.map((t) => t.id));
    const bad = actors.flatMap((a) =>
      a.topics.filter((t) => !known.has(t)).map((t) => `${a.id}:${t}`),
    );
    expect(bad).toEqual([]);
  });

  it("uses only valid ISO 3166-1 alpha-2 country codes", () => {
    const bad = actors.flatMap((a) =>
      a.countries.filter((c) => !countries.isValid(c) || c.length !== 2).map((c) => `${a.id}:${c}`),
    );
    expect(bad).toEqual([]);
  });

  it("has names in en, de and fr that all parse as lexicon terms", () => {
    const bad: string[] = [];
    for (const a of actors) {
      for (const lang of ACTOR_LANGUAGES) {
        expect(a.names[lang].length, `${a.id}.${lang}`).toBeGreaterThan(0);
        for (const name of a.names[lang]) {
          try {
            parseTerm(name);
          } catch (err) {
            bad.push(`${a.id}.${lang} "${name}": ${(err as Error).message}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("lists no name under two actors in the same language", () => {
    const clashes: string[] = [];
    for (const lang of ACTOR_LANGUAGES) {
      const owner = new Map<string, string>();
      for (const a of actors) {
        for (const name of a.names[lang]) {
          const key = nameKey(name);
          const prev = owner.get(key);
          if (prev !== undefined && prev !== a.id)
            clashes.push(`${lang} "${name}": ${prev}, ${a.id}`);
          owner.set(key, a.id);
        }
      }
    }
    expect(clashes).toEqual([]);
  });

  it("writes German and French transliterations where outlets use them", () => {
    const byId = new Map(actors.map((a) => [a.id, a]));
    expect(byId.get("volodymyr-zelensky")?.names.de).toContain("Selenskyj");
    expect(byId.get("alexei-navalny")?.names.de).toContain("Nawalny");
    expect(byId.get("ali-khamenei")?.names.de).toContain("Chamenei");
    expect(byId.get("vladimir-putin")?.names.fr).toContain("Poutine");
    expect(byId.get("msf")?.names.de).toContain("Ärzte ohne Grenzen");
  });

  it("maps actors to the topics a mention is evidence for, no more", () => {
    const topics = (id: string) => new Map(actors.map((a) => [a.id, a])).get(id)?.topics;
    expect(topics("donald-trump")).toEqual([]);
    expect(topics("vladimir-putin")).toEqual(["russia-ukraine"]);
    expect(topics("benjamin-netanyahu")).toEqual(["middle-east"]);
    expect(topics("hamas")).toEqual(["middle-east", "security-defence"]);
    expect(topics("unhcr")?.slice().sort()).toEqual([
      "humanitarian",
      "migration",
      "un-multilateral",
    ]);
    expect(topics("himars")).toEqual(["security-defence"]);
    expect(topics("jimmy-lai")).toEqual(["human-rights", "china"]);
    expect(topics("greenpeace")).toEqual(["climate"]);
  });

  it("keeps the Sudanese RSF apart from Reporters sans frontières", () => {
    const byId = new Map(actors.map((a) => [a.id, a]));
    const rsf = byId.get("rapid-support-forces");
    const rog = byId.get("reporters-without-borders");
    expect(rsf?.names.fr.map(nameKey)).not.toContain("RSF");
    expect(rog?.names.fr.map(nameKey)).toContain("RSF");
  });
});

describe("parseActors", () => {
  it("accepts a minimal file", () => {
    expect(parseActors({ version: 1, actors: [actor()] }).actors[0]?.id).toBe("navalny");
  });

  it("names the actor and field of a bad topic, country, kind or name", () => {
    const data = {
      version: 1,
      actors: [
        actor({ id: "ok" }),
        actor({ id: "bad-topic", topics: ["sport" as never] }),
        actor({ id: "bad-country", countries: ["XX"] }),
        actor({ id: "bad-kind", kind: "celebrity" as never }),
        actor({ id: "bad-name", names: { en: ["*x"], de: ["Nawalny"], fr: ["Navalny"] } }),
        actor({ id: "no-french", names: { en: ["A B"], de: ["A B"], fr: [] } }),
      ],
    };
    let message = "";
    try {
      parseActors(data);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/actors\[1\] \(bad-topic\)\.topics\[0\]/);
    expect(message).toMatch(/actors\[2\] \(bad-country\)\.countries\[0\]: expected an ISO 3166-1/);
    expect(message).toMatch(/actors\[3\] \(bad-kind\)\.kind/);
    expect(message).toMatch(/actors\[4\] \(bad-name\)\.names\.en\[0\]: bad name "\*x"/);
    expect(message).toMatch(/actors\[5\] \(no-french\)\.names\.fr: needs at least one name/);
    expect(message).not.toMatch(/\(ok\)/);
  });

  it("rejects duplicate ids and a name shared by two actors in one language", () => {
    const data = {
      version: 1,
      actors: [
        actor({ id: "a", names: { en: ["Kim Jong Un"], de: ["Kim"], fr: ["Kim"] } }),
        actor({ id: "a", names: { en: ["X"], de: ["Y"], fr: ["Z"] } }),
        actor({ id: "b", names: { en: ["Kim Jong-un"], de: ["Q"], fr: ["R"] } }),
      ],
    };
    expect(() => parseActors(data)).toThrow(/actors\[1\] \(a\)\.id: duplicate id "a"/);
    expect(() => parseActors(data)).toThrow(
      /actors\[2\] \(b\)\.names\.en\[0\]: "Kim Jong-un" is already a name of "a"/,
    );
  });

  it("loadActors reports unreadable and invalid files with their path", () => {
    const dir = mkdtempSync(join(tmpdir(), "actors-"));
    const path = join(dir, "actors.json");
    expect(() => loadActors(join(dir, "missing.json"))).toThrow(/Cannot read actors file/);
    writeFileSync(path, "{ not json");
    expect(() => loadActors(path)).toThrow(/not valid JSON/);
    writeFileSync(path, JSON.stringify({ version: 2, actors: [] }));
    expect(() => loadActors(path)).toThrow(new RegExp(`version[\\s\\S]*in ${path}`));
  });
});
