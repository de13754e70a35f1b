import { describe, expect, it } from "vitest";
import { stripNonStory } from "../../src/summarize/boilerplate.js";
import { summarize } from "../../src/summarize/index.js";

// A budget the whole story fits in: what comes back is every sentence the summariser keeps.
const ALL = 4096;
const keep = (text: string, language: string) =>
  summarize({ title: "Story", text, language, budget: ALL });

describe("photo captions", () => {
  it("are dropped in English: AP's FILE captions, Reuters/Getty credits, (Photo: …)", () => {
    const text = [
      "Ukraine's parliament approved the budget on Tuesday.",
      "FILE - Lawmakers attend a session of parliament in Kyiv, Ukraine, Nov. 3, 2025. (AP Photo/Efrem Lukatsky, File)",
      "A man walks past a damaged building in Kharkiv. (AP Photo/Andrii Marienko)",
      "Firefighters work at the site of a strike in Odesa. REUTERS/Nina Liashonok",
      "President Volodymyr Zelenskyy speaks in Kyiv. Jane Doe/AFP via Getty Images",
      "Officials inspect the site (Photo: Ukrainian Emergency Service/Reuters)",
      "More than 40 deputies voted against it.",
    ].join("\n");
    expect(keep(text, "en")).toBe(
      "Ukraine's parliament approved the budget on Tuesday. More than 40 deputies voted against it.",
    );
  });

  it("are dropped in German: dpa's ARCHIV captions and Foto credits", () => {
    const text = [
      "Der Bundestag hat den Haushalt beschlossen.",
      "ARCHIV - 12.03.2025, Berlin: Abgeordnete sitzen im Plenarsaal des Bundestages. Foto: Kay Nietfeld/dpa",
      "Abgeordnete im Plenarsaal des Bundestages. (Foto: Michael Kappeler/dpa)",
      "Foto: Kay Nietfeld/dpa",
      "Die Opposition stimmte dagegen.",
    ].join("\n");
    expect(keep(text, "de")).toBe(
      "Der Bundestag hat den Haushalt beschlossen. Die Opposition stimmte dagegen.",
    );
  });

  it("are dropped in French: Photo : …/AFP and LUDOVIC MARIN / AFP", () => {
    const text = [
      "L'Assemblée nationale a adopté le budget mardi.",
      "Photo : Ludovic Marin/AFP",
      "Emmanuel Macron à l'Élysée, le 3 mars 2025. LUDOVIC MARIN / AFP",
      "L'opposition a voté contre.",
    ].join("\n");
    expect(keep(text, "fr")).toBe(
      "L'Assemblée nationale a adopté le budget mardi. L'opposition a voté contre.",
    );
  });

  it("are dropped in France 24's style, the credit after a copyright sign", () => {
    const text = [
      "A missile struck a helipad inside the US Embassy compound in Baghdad.",
      "Smoke rises from the US embassy building in Baghdad, Iraq © Ali Jabar, AP",
      "Loud explosions struck the Iranian capital on March 7, state TV reported. © Atta Kenare, AFP",
      "Explosions were heard in Jerusalem.",
    ].join("\n");
    expect(keep(text, "en")).toBe(
      "A missile struck a helipad inside the US Embassy compound in Baghdad. Explosions were heard in Jerusalem.",
    );
  });

  it("take the caption a bare credit follows with them, and nothing else", () => {
    const text =
      "Talks resumed in Doha on Monday.\nA Qatari official greets delegates in Doha. (AP Photo/Hussein Sayed)\nMediators expect a deal by Friday.";
    expect(keep(text, "en")).toBe(
      "Talks resumed in Doha on Monday. Mediators expect a deal by Friday.",
    );
  });
});

describe("links to other stories", () => {
  it("are dropped in English, German and French, with the headline they carry", () => {
    const cases: [string, string][] = [
      ["en", "Read more: Will Kyiv's budget hold?"],
      ["en", "READ MORE: Russia's war economy is running out of workers"],
      ["en", "Related: EU agrees new sanctions on Russia"],
      ["en", "Related coverage: Inside the talks"],
      ["de", "Lesen Sie auch: Warum Russlands Wirtschaft schrumpft"],
      ["de", "Lesen Sie auch Warum Russlands Wirtschaft schrumpft"],
      ["de", "Mehr zum Thema: Die Sanktionen gegen Russland"],
      ["fr", "Lire aussi : La guerre en Ukraine, jour 900"],
      ["fr", "Lire aussi | Guerre en Ukraine : ce que l'on sait"],
      ["fr", "À lire aussi : Le budget de la Défense"],
    ];
    for (const [language, link] of cases) {
      const text = `The council met on Monday.\n${link}\nMinisters agreed on a plan.`;
      expect(keep(text, language), link).toBe(
        "The council met on Monday. Ministers agreed on a plan.",
      );
    }
  });

  it("leave news that starts with the same words", () => {
    const text = [
      "Related talks with the IMF continue next week.",
      "Photos showed the damage in Kharkiv.",
      "Quellen zufolge will Russland verhandeln.",
      "Research by the Kiel Institute shows aid fell.",
      "Filed claims rose by 4%.",
    ].join("\n");
    expect(keep(text, "en")).toBe(text.replace(/\n/g, " "));
  });
});

describe("credit lines", () => {
  it("are dropped in English, German and French", () => {
    const cases: [string, string][] = [
      [
        "en",
        "Associated Press writers Jon Gambrell in Dubai, United Arab Emirates, and Samy Magdy in Cairo contributed to this report.",
      ],
      ["en", "Reuters' Jane Doe in Tehran contributed reporting."],
      ["en", "(Reporting by Alasdair Pal in Sydney; Editing by Jamie Freed)"],
      ["en", "Additional reporting by Mark Trevelyan in London"],
      ["en", "Photography by Marko Djurica Reporting and writing by Ivana Sekularac"],
      ["de", "Mitarbeit: Anna Meier in Kairo"],
      ["de", "Mit Material von dpa und AFP"],
      ["de", "kev/dpa/AFP"],
      ["fr", "(avec AFP)"],
      ["fr", "Avec AFP et Reuters"],
      ["fr", "Le Monde avec AFP"],
    ];
    for (const [language, credit] of cases) {
      const text = `The council met on Monday. Ministers agreed on a plan.\n${credit}`;
      expect(keep(text, language), credit).toBe(
        "The council met on Monday. Ministers agreed on a plan.",
      );
    }
  });
});

describe("stripNonStory (what the classifier reads)", () => {
  it("removes captions, credits and links but leaves the story's own sentences", () => {
    const text = [
      "KYIV, Ukraine (AP) — Ukraine's parliament approved the budget. Deputies cheered.",
      "FILE - Lawmakers in Kyiv, Ukraine. (AP Photo/Efrem Lukatsky, File)",
      "Read more: Russia's war economy",
      "Samy Magdy in Cairo contributed to this report.",
    ].join("\n");
    expect(stripNonStory(text, "en")).toBe(
      "KYIV, Ukraine (AP) — Ukraine's parliament approved the budget. Deputies cheered.\n\n\n",
    );
  });

  it("returns text without any hint of boilerplate unchanged", () => {
    const text = "Talks resumed in Doha.\nMediators expect a deal by Friday.";
    expect(stripNonStory(text, "en")).toBe(text);
  });
});
