/** The message catalogue in config/locales: complete in every language, and read safely. */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTaxonomy } from "../../src/classify/index.js";
import { APOLOGY } from "../../src/discord/interactions.js";
import { MANAGE_GUILD_REFUSAL } from "../../src/discord/permissions.js";
import {
  type Catalogue,
  CatalogueError,
  catalogueProblems,
  LOCALES,
  LOCALES_DIR,
  loadCatalogue,
  placeholdersOf,
} from "../../src/i18n/catalogue.js";
import { loadMessages, localeOf } from "../../src/i18n/messages.js";

const catalogue = loadCatalogue();

async function copyCatalogue(change: (files: Catalogue) => void): Promise<URL> {
  const dir = await mkdtemp(join(tmpdir(), "fd-locales-"));
  const files = Object.fromEntries(
    await Promise.all(
      LOCALES.map(async (l) => [
        l,
        JSON.parse(await readFile(new URL(`${l}.json`, LOCALES_DIR), "utf8")),
      ]),
    ),
  ) as Catalogue;
  change(files);
  for (const l of LOCALES) await writeFile(join(dir, `${l}.json`), JSON.stringify(files[l]));
  return pathToFileURL(`${dir}/`);
}

describe("the catalogue", () => {
  it("has every English message in German and French, with the same placeholders", () => {
    expect(catalogueProblems(catalogue)).toEqual([]);
    const keys = Object.keys(catalogue.en.messages).sort();
    expect(keys.length).toBeGreaterThan(100);
    for (const l of LOCALES) {
      expect(Object.keys(catalogue[l].messages).sort()).toEqual(keys);
      for (const key of keys) {
        const en = catalogue.en.messages[key];
        const other = catalogue[l].messages[key];
        if (!en || !other) throw new Error(`${l}: ${key} missing`);
        expect(placeholdersOf(other), `${l} ${key}`).toEqual(placeholdersOf(en));
        expect(typeof other, `${l} ${key}`).toBe(typeof en);
      }
    }
  });

  it("refuses at load a translation with a missing key or a different placeholder", async () => {
    const missing = await copyCatalogue((c) => {
      delete c.de.messages["search.none"];
    });
    expect(() => loadCatalogue(missing)).toThrow(CatalogueError);
    expect(() => loadCatalogue(missing)).toThrow(/de: message "search.none" is missing/);
    const renamed = await copyCatalogue((c) => {
      c.fr.messages["search.none"] = "Aucun article ne correspond à « {requete} ».";
    });
    expect(() => loadCatalogue(renamed)).toThrow(
      /fr: message "search.none" has placeholders \{requete\}, English has \{query\}/,
    );
    const badShape = await copyCatalogue((c) => {
      (c.de.messages as Record<string, unknown>)["search.none"] = 42;
    });
    expect(() => loadCatalogue(badShape)).toThrow(/de\.json: messages\.search\.none/);
  });

  it("keeps the English constants tests and logs use equal to the catalogue", () => {
    expect(catalogue.en.messages["error.apology"]).toBe(APOLOGY);
    expect(catalogue.en.messages["permission.manageGuild"]).toBe(MANAGE_GUILD_REFUSAL);
  });

  it("gives every topic a German and French label and description in the taxonomy", () => {
    for (const topic of loadTaxonomy().topics) {
      for (const l of ["de", "fr"]) {
        expect(topic.labels[l], `${topic.id} ${l}`).toBeTruthy();
        expect(topic.descriptions[l], `${topic.id} ${l}`).toBeTruthy();
      }
    }
  });
});

describe("t(locale, key, vars)", () => {
  const messages = loadMessages();

  it("maps Discord locales to the catalogue's, anything else to English", () => {
    expect(localeOf("de")).toBe("de");
    expect(localeOf("fr")).toBe("fr");
    expect(localeOf("en-US")).toBe("en");
    expect(localeOf("en-GB")).toBe("en");
    expect(localeOf("pt-BR")).toBe("en");
    expect(localeOf(undefined)).toBe("en");
  });

  it("fills placeholders and picks the plural form by count in each language", () => {
    expect(messages.t("en", "search.found", { count: 1, query: "x" })).toBe(
      "1 story matching “x”, best first:",
    );
    expect(messages.t("en", "search.found", { count: 3, query: "x" })).toBe(
      "3 stories matching “x”, best first:",
    );
    expect(messages.t("de", "digest.period", { count: 1 })).toBe("der letzten Stunde");
    expect(messages.t("de", "digest.period", { count: 48 })).toBe("den letzten 48 Stunden");
    // French counts 0 and 1 as singular.
    expect(messages.t("fr", "feeds.items", { count: 0 })).toBe("0 élément");
    expect(messages.for("fr").list(["a", "b", "c"])).toBe("a, b et c");
    expect(messages.for("en-GB").list(["a", "b", "c"])).toBe("a, b and c");
  });

  it("names commands as the user's client shows them", () => {
    const fr = messages.for("fr");
    expect(fr.command("feeds", "add")).toBe("flux ajouter");
    expect(
      messages.for("de").t("error.cooldown", {
        seconds: 5,
        command: messages.for("de").command("search"),
      }),
    ).toBe("Bitte warte 5 s, bevor du /suche erneut verwendest.");
    expect(messages.for("en-US").command("search")).toBe("search");
    expect(messages.for("de").command("unknown", "sub")).toBe("unknown sub");
  });
});
