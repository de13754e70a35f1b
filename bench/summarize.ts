import { type SummaryInput, splitSentences, summarize } from "../src/summarize/index.js";
import { mulberry32 } from "./corpus.js";

/**
 * Summariser throughput on synthetic ~1,500-character stories (English, German, French; with
 * datelines, abbreviations and boilerplate), next to the cost of only splitting the same texts
 * into sentences: the ratio shows what ranking, selection and clean-up add on top of the one
 * Intl.Segmenter pass every summary needs. Deterministic (seeded PRNG), single thread.
 */

const TOPIC: Record<string, readonly string[]> = {
  en: [
    "German Foreign Minister Annalena Baerbock raised the mass detention of Uyghurs in Xinjiang and urged Beijing to respect human rights.",
    "She asked China to condemn Russia's war of aggression against Ukraine, which violates the UN Charter.",
    "Delegates at the climate summit argued over emissions targets and the 1.5-degree limit.",
    "The U.S. Secretary of State met Gen. Mark Milley and Dr. Jane Smith in Washington on Jan. 5 to discuss air defence for Kyiv.",
    "Beijing warned Taipei against provocations as Chinese warships patrolled the Taiwan Strait.",
    "The UN Security Council failed to adopt a resolution on Gaza after a veto, with 13 votes in favour.",
    "Aid agencies warned of famine as humanitarian convoys were blocked at the border crossing.",
  ],
  de: [
    "Bundesaußenministerin Annalena Baerbock sprach die Masseninternierung von Uiguren in Xinjiang an und forderte Peking auf, die Menschenrechte zu achten.",
    "Sie forderte China auf, den russischen Angriffskrieg gegen die Ukraine zu verurteilen, der die Charta der Vereinten Nationen verletzt.",
    "Am 3. Oktober sprach Prof. Dr. Müller u. a. über die Klimaziele und den 1,5-Grad-Pfad.",
    "Die Bundesregierung kündigte neue Sanktionen an, z. B. gegen die Nr. 2 der Zentralbank.",
  ],
  fr: [
    "M. Macron a rencontré Mme Dupont à Paris pour parler de l'aide humanitaire à Gaza.",
    "Le gouvernement français a appelé à protéger les réfugiés et à renforcer les sanctions contre la Russie.",
    "L'inflation a atteint 2,5 % en octobre, selon l'Insee, etc. Les prix de l'énergie ont reculé.",
  ],
};

// Filler from templates, so that stories hardly repeat a sentence: repeats are dropped before
// ranking, and a story that shrinks below the budget would only measure the teaser shortcut.
const FILLER: Record<string, readonly (readonly string[])[]> = {
  en: [
    ["Officials", "Analysts", "Diplomats", "Local media", "Correspondents", "Two senators"],
    ["said", "reported", "noted", "suggested", "cautioned"],
    [
      "that the talks would continue next month",
      "that the meeting ended without a joint statement",
      "that markets reacted calmly to the news",
      "that the mood in the capital was cautious",
      "that Berlin was grey and rainy on Tuesday",
      "that the delegation would travel to Shanghai",
    ],
    ["", ", according to a statement", " on Tuesday", " after the call", ", citing sources"],
  ],
  de: [
    ["Ein Sprecher", "Beobachter", "Diplomaten", "Lokale Medien", "Zwei Abgeordnete"],
    ["sagte", "berichteten", "betonten", "meinten"],
    [
      ", das Treffen habe mehrere Stunden gedauert",
      ", eine Delegation werde in Shanghai erwartet",
      ", in Berlin sei es grau und regnerisch gewesen",
      ", die Gespräche würden fortgesetzt",
    ],
    ["", " am Dienstag", " nach dem Telefonat", " laut einer Mitteilung"],
  ],
  fr: [
    ["Un porte-parole", "Des diplomates", "Les médias locaux", "Deux députés"],
    ["a indiqué", "ont rapporté", "ont souligné"],
    [
      " que la réunion a duré plusieurs heures",
      " que les marchés ont réagi calmement",
      " que la délégation se rendra à Shanghai",
      " que les discussions reprendront",
    ],
    ["", " mardi", " après l'appel", " selon un communiqué"],
  ],
};

const BOOST: Record<string, string[]> = {
  en: ["xinjiang", "human right*", "ukraine", "russia*", "climate", "1.5-degree", "un charter"],
  de: ["xinjiang", "*menschenrecht*", "ukraine", "angriffskrieg*", "klima*", "1,5-grad"],
  fr: ["droits de l'homme", "ukraine", "russie", "climat*", "réfugié*", "gaza"],
};

const DATELINES = ["", "", "BERLIN (Reuters) - ", "Paris (AFP) – ", "Berlin (dpa) - "];
const TAILS = ["", "", "\nRead more", "\nThe post Talks appeared first on Example News."];

export function generateSummaryInputs(n: number, seed = 1234): SummaryInput[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const languages = ["en", "en", "en", "de", "fr"];
  const inputs: SummaryInput[] = [];
  for (let i = 0; i < n; i++) {
    const language = pick(languages);
    const topic = TOPIC[language] ?? [];
    const slots = FILLER[language] ?? [];
    const filler = () =>
      `${slots.map((options) => pick(options)).join(" ")}.`.replace(/ ([,.])/g, "$1");
    const target = 1200 + Math.floor(rand() * 600);
    const parts: string[] = [];
    let length = 0;
    while (length < target) {
      const s = rand() < 0.3 ? pick(topic) : filler();
      // A paragraph break now and then, as the HTML stripper leaves them.
      parts.push(rand() < 0.15 ? `\n${s}` : s);
      length += s.length + 1;
    }
    const text = pick(DATELINES) + parts.join(" ") + pick(TAILS);
    // The headline comes from a topic sentence the story contains, as it would in a real feed.
    const lead = parts.find((p) => topic.includes(p.trim())) ?? pick(topic);
    const title = lead.trim().split(" ").slice(0, 9).join(" ");
    inputs.push({ title, text, language, budget: 500, boostTerms: BOOST[language] ?? [] });
  }
  return inputs;
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function benchSummarize(): Promise<string[]> {
  const N = 5_000;
  const inputs = generateSummaryInputs(N);
  const avgChars = Math.round(inputs.reduce((n, s) => n + s.text.length, 0) / N);
  let sink = 0;
  const runSummarize = (budget: number) => () => {
    for (const input of inputs) sink += summarize({ ...input, budget }).length;
  };
  const runFocus = () => {
    for (const input of inputs) {
      sink += summarize({ ...input, focusTerms: input.boostTerms?.slice(0, 2) ?? [] }).length;
    }
  };
  const runSplit = () => {
    for (const input of inputs) sink += splitSentences(input.text, input.language).length;
  };
  // Warm-up: JIT, the segmenter and term caches, as in a long-running bot.
  runSummarize(500)();
  runSplit();
  const rounds = 3;
  let summarizeMs = Number.POSITIVE_INFINITY;
  let splitMs = Number.POSITIVE_INFINITY;
  let alertMs = Number.POSITIVE_INFINITY;
  let embedMs = Number.POSITIVE_INFINITY;
  let focusMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    summarizeMs = Math.min(summarizeMs, time(runSummarize(500)));
    splitMs = Math.min(splitMs, time(runSplit));
    alertMs = Math.min(alertMs, time(runSummarize(200)));
    embedMs = Math.min(embedMs, time(runSummarize(4096)));
    focusMs = Math.min(focusMs, time(runFocus));
  }
  const rate = (ms: number) => Math.round((N / ms) * 1000).toLocaleString("en");
  const micro = (ms: number) => ((ms / N) * 1000).toFixed(1);
  const huge = "The council met again and discussed the ceasefire in detail. ".repeat(17_000);
  const hugeMs = time(() => {
    sink += summarize({ title: "Council", text: huge, budget: 500 }).length;
  });
  if (sink < 0) console.log(sink);
  return [
    `summarize bench: ${N} synthetic stories (en/de/fr), avg ${avgChars} chars, best of ${rounds}`,
    `  summarize, budget 500: ${rate(summarizeMs)} summaries/s (${micro(summarizeMs)} µs/story)`,
    `  summarize, budget 500 + focusTerms: ${rate(focusMs)} summaries/s (${micro(focusMs)} µs/story)`,
    `  summarize, budget 200: ${rate(alertMs)} summaries/s (${micro(alertMs)} µs/story)`,
    `  summarize, budget 4096: ${rate(embedMs)} summaries/s (${micro(embedMs)} µs/story)`,
    `  splitSentences only: ${rate(splitMs)} texts/s (${micro(splitMs)} µs/text)`,
    `  summarize(500) / splitSentences time ratio: ${(summarizeMs / splitMs).toFixed(2)}×`,
    `  one ${(huge.length / 1e6).toFixed(2)} MB text: ${hugeMs.toFixed(1)} ms`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void benchSummarize().then((lines) => {
    for (const line of lines) console.log(line);
  });
}
