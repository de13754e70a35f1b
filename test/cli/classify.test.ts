import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";

// One process, as `npm run cli` runs it: node with the tsx loader.
const NODE = process.execPath;

function classify(lines: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      NODE,
      ["--import", "tsx", "src/cli/main.ts", "classify"],
      { timeout: 30_000 },
      (error, stdout) => {
        if (error) reject(error);
        else resolve(stdout.trim().split("\n"));
      },
    );
    child.stdin?.end(`${lines.join("\n")}\n`);
  });
}

const EN = {
  title: "Baerbock raises Xinjiang, Ukraine and the 1.5-degree path with Wang Yi",
  text: "<p>German Foreign Minister Annalena Baerbock, in a phone call with Chinese Foreign Minister Wang Yi, raised the mass detention of Uyghurs in Xinjiang and urged Beijing to respect human rights.</p><p>She asked China to condemn Russia&#8217;s war of aggression against Ukraine, which violates the UN Charter. Baerbock also called for more ambitious climate targets so that the world stays on the 1.5-degree path agreed in Paris.</p><p>The call lasted about an hour. Berlin was rainy.</p>",
};
const DE = {
  title: "Baerbock spricht mit Wang Yi über Xinjiang, die Ukraine und den 1,5-Grad-Pfad",
  text: "Bundesaußenministerin Annalena Baerbock hat in einem Telefonat mit dem chinesischen Außenminister Wang Yi die Masseninternierung von Uiguren in Xinjiang angesprochen und Peking aufgefordert, die Menschenrechte zu achten. Sie forderte China auf, den russischen Angriffskrieg gegen die Ukraine zu verurteilen, der die Charta der Vereinten Nationen verletzt. Zudem rief Baerbock zu ehrgeizigeren Klimazielen auf, damit die Welt auf dem in Paris vereinbarten 1,5-Grad-Pfad bleibt. Das Gespräch dauerte eine Stunde. In Berlin regnete es.",
};

interface Answer {
  topics: Array<{ id: string; score: number; evidence: Array<{ term: string; count: number }> }>;
  countries: string[];
  language: string;
  summary: string;
  error?: string;
}

describe("cli classify", () => {
  it("tags the headline story the same in English and German, with evidence and a summary of all three threads", async () => {
    const out = await classify([
      JSON.stringify(EN),
      "not json",
      JSON.stringify({ title: 7 }),
      JSON.stringify(DE),
    ]);
    expect(out).toHaveLength(4);
    const [en, bad1, bad2, de] = out.map((l) => JSON.parse(l) as Answer);
    expect(bad1?.error).toMatch(/^not JSON/);
    expect(bad2?.error).toMatch(/^title: /);
    for (const [answer, lang] of [
      [en, "en"],
      [de, "de"],
    ] as const) {
      const ids = answer?.topics.map((t) => t.id) ?? [];
      expect(ids).toEqual(
        expect.arrayContaining(["human-rights", "china", "russia-ukraine", "climate"]),
      );
      expect(answer?.language).toBe(lang);
      expect(answer?.countries).toEqual(expect.arrayContaining(["CN", "DE", "RU", "UA"]));
      const evidence = (id: string) =>
        answer?.topics
          .find((t) => t.id === id)
          ?.evidence.map((e) => e.term.toLowerCase())
          .join(" ") ?? "";
      expect(evidence("china")).toMatch(/xinjiang/);
      expect(evidence("russia-ukraine")).toMatch(/ukrain/);
      expect(evidence("climate")).toMatch(/1[.,]5|klima|climate/);
      expect(answer?.summary).toContain("Xinjiang");
      expect(answer?.summary).toContain("Ukraine");
      expect(answer?.summary).toMatch(/climate targets|Klimazielen/);
      expect(answer?.summary.length).toBeLessThanOrEqual(500);
    }
    expect(en?.summary).not.toContain("<p>");
  });

  it("summarises every thread of the headline story when Xinjiang gets three sentences, without the credit line's countries", async () => {
    const en = {
      title: EN.title,
      text: [
        "<p>German Foreign Minister Annalena Baerbock, in a phone call with Chinese Foreign Minister Wang Yi, raised the mass detention of Uyghurs in Xinjiang and urged Beijing to respect human rights.</p>",
        "<p>Rights groups say more than a million Uyghurs and other mostly Muslim minorities have been held in camps in Xinjiang, where Beijing is accused of forced labour.</p>",
        "<p>Baerbock said the reports of human rights abuses in Xinjiang were deeply worrying and that China must let independent observers into the region.</p>",
        "<p>She asked China to condemn Russia&#8217;s war of aggression against Ukraine, which violates the UN Charter. Baerbock also called for more ambitious climate targets so that the world stays on the 1.5-degree path agreed in Paris.</p>",
        "<p>FILE - Wang Yi speaks at a news conference in Beijing, March 7, 2025. (AP Photo/Andy Wong, File)</p>",
        "<p>Associated Press writers Jon Gambrell in Dubai, United Arab Emirates, and Samy Magdy in Cairo contributed to this report.</p>",
      ].join(""),
    };
    const de = {
      title: DE.title,
      text: [
        "Bundesaußenministerin Annalena Baerbock hat in einem Telefonat mit dem chinesischen Außenminister Wang Yi die Masseninternierung von Uiguren in Xinjiang angesprochen und Peking aufgefordert, die Menschenrechte zu achten.",
        "Menschenrechtsorganisationen zufolge sind in Xinjiang mehr als eine Million Uiguren in Lagern festgehalten worden, Peking wird Zwangsarbeit vorgeworfen.",
        "Baerbock nannte die Berichte über Menschenrechtsverletzungen in Xinjiang zutiefst beunruhigend und forderte China auf, unabhängige Beobachter in die Region zu lassen.",
        "Sie forderte China auf, den russischen Angriffskrieg gegen die Ukraine zu verurteilen, der die Charta der Vereinten Nationen verletzt. Zudem rief Baerbock zu ehrgeizigeren Klimazielen auf, damit die Welt auf dem in Paris vereinbarten 1,5-Grad-Pfad bleibt.",
        "Lesen Sie auch: Warum Frankreichs Präsident nach Peking reist",
        "Mitarbeit: Anna Meier in Kairo",
      ].join("\n"),
    };
    const [enOut, deOut] = (await classify([JSON.stringify(en), JSON.stringify(de)])).map(
      (l) => JSON.parse(l) as Answer,
    );
    for (const [answer, war, climate] of [
      [enOut, /Russia’s war of aggression against Ukraine/, /1\.5-degree path/],
      [deOut, /russischen Angriffskrieg gegen die Ukraine/, /1,5-Grad-Pfad/],
    ] as const) {
      expect(answer?.summary.length).toBeLessThanOrEqual(500);
      expect(answer?.summary).toContain("Xinjiang");
      expect(answer?.summary).toMatch(war);
      expect(answer?.summary).toMatch(climate);
      expect(answer?.summary).not.toMatch(/AP Photo|contributed|Lesen Sie|Mitarbeit/);
      expect(answer?.countries).not.toEqual(expect.arrayContaining(["AE"]));
      expect(answer?.countries).not.toContain("EG");
      expect(answer?.countries).not.toContain("FR");
    }
  });
});
