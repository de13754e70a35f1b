import { describe, expect, it } from "vitest";
import { loadActors } from "../../src/classify/actors.js";
import { createAnalyzer } from "../../src/classify/analyze.js";
import { loadTaxonomy } from "../../src/classify/taxonomy.js";
import { ClusterIndex } from "../../src/cluster/index.js";
import { type ClusterModel, loadClusterModel } from "../../src/cluster/model.js";
import { signatureOf } from "../../src/cluster/signature.js";

const analyzer = createAnalyzer(loadTaxonomy(), loadActors().actors);
const H = 3_600_000;
const T0 = Date.UTC(2026, 7, 12, 8);
let n = 0;
const story = (title: string, text: string, at = T0, language?: string) => ({
  id: `s${++n}`,
  at,
  signature: signatureOf(analyzer.analyze({ title, text, ...(language ? { language } : {}) })),
});

/** Five outlets, one event, five wordings. */
const summit = () => [
  story(
    "G7 leaders agree $50 billion loan for Ukraine backed by frozen Russian assets",
    "Leaders of the Group of Seven agreed in Apulia on a $50 billion loan for Ukraine, to be repaid from the profits of frozen Russian assets.",
  ),
  story(
    "G7 backs $50bn Ukraine loan from frozen Russian assets",
    "The Group of Seven nations meeting in Apulia, Italy, backed a $50 billion loan to Ukraine using interest on frozen Russian assets.",
    T0 + H,
  ),
  story(
    "Ukraine to get $50 billion G7 loan from frozen Russian assets' profits",
    "G7 leaders at their summit in Apulia said Ukraine would receive a $50 billion loan, financed by profits on immobilised Russian assets.",
    T0 + 2 * H,
  ),
  story(
    "Frozen Russian assets: G7 approves $50 billion for Ukraine",
    "Meeting in Apulia, the G7 approved a loan of $50 billion for Kyiv, to be repaid with the profits of frozen Russian central bank assets.",
    T0 + 3 * H,
  ),
  story(
    "Kyiv wins $50bn G7 loan tied to Russia's frozen assets",
    "Ukraine secured a $50 billion loan from the G7 at the Apulia summit, to be serviced by windfall profits from frozen Russian assets.",
    T0 + 4 * H,
  ),
];

describe("ClusterIndex with the fitted model", () => {
  const model = loadClusterModel();

  it("puts five outlets' reports of one event in one cluster, led by the first", () => {
    const index = new ClusterIndex(model);
    const [first, ...later] = summit();
    expect(index.assign(first as (typeof later)[0]).joined).toBe(false);
    for (const s of later)
      expect(index.assign(s)).toMatchObject({ cluster: first?.id, joined: true });
  });

  it("keeps two events of the same topic and day apart", () => {
    const index = new ClusterIndex(model);
    const a = index.assign(
      story(
        "Russian drone strike on Kharkiv apartment block kills 7",
        "A Russian drone hit a nine-storey apartment block in Kharkiv overnight, killing seven people, the regional governor said.",
      ),
    );
    const b = index.assign(
      story(
        "Ukraine says it hit Russian oil refinery in Saratov",
        "Ukrainian drones struck an oil refinery in the Russian city of Saratov, setting it on fire, Ukraine's general staff said.",
        T0 + 2 * H,
      ),
    );
    expect(b.joined).toBe(false);
    expect(b.cluster).not.toBe(a.cluster);
  });
});

describe("ClusterIndex mechanics", () => {
  // A model that calls any pair sharing most of its words the same event.
  const model: ClusterModel = {
    version: 1,
    windowHours: 36,
    bias: -6,
    weights: {
      words: 12,
      rareWords: 0,
      rarestShared: 0,
      rarestCapital: 0,
      title: 0,
      titleCovered: 0,
      names: 0,
      sharedNames: 0,
      countries: 0,
      sharedNumbers: 0,
      sameLanguage: 0,
      coveredAndNamed: 0,
    },
    idf: { docs: 1, df: {} },
    threshold: 0.5,
    training: {},
  };
  const text =
    "Parliament in Ljubljana approved the budget after a long debate on pensions and tax.";

  it("does not join stories further apart than the window", () => {
    const index = new ClusterIndex(model);
    index.assign(story("Slovenian parliament approves budget", text));
    expect(
      index.assign(story("Slovenian parliament approves budget", text, T0 + 37 * H)).joined,
    ).toBe(false);
  });

  it("gives a story it has seen the same answer, and forgets evicted stories", () => {
    const index = new ClusterIndex(model);
    const first = story("Slovenian parliament approves budget", text);
    const again = index.assign(first);
    expect(index.assign(first)).toMatchObject({ cluster: again.cluster });
    index.evict(T0 + 1);
    expect(index.size).toBe(0);
    expect(index.assign(story("Slovenian parliament approves budget", text, T0 + H)).joined).toBe(
      false,
    );
  });
});
