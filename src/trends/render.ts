/**
 * A line chart as a PNG, drawn in-process by Chart.js on @napi-rs/canvas (Skia; prebuilt, no
 * browser, no network). It knows nothing of stories: it takes labelled series, already in the
 * reader's language, and returns the image.
 *
 * Readability: the chart has its own opaque dark background and a light frame, so it reads the
 * same on Discord's dark (#313338) and light (#ffffff) themes; lines use the Okabe–Ito palette
 * (distinguishable with the common colour-vision deficiencies, and each ≥ 4.5:1 against the
 * background) and also differ by dash pattern and point shape, so colour is never the only cue.
 * Text uses Noto Sans shipped by @fontsource/noto-sans and registered here, so the labels render
 * on a machine without any system font.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import {
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  type PointStyle,
  SubTitle,
  Title,
} from "chart.js";

export interface ChartSeries {
  /** The legend's text. */
  label: string;
  /** One value per x label; null where nothing is known (drawn as a gap). */
  values: Array<number | null>;
}

export interface ChartInput {
  title: string;
  /** A note under the chart (e.g. that the last day is still going). */
  footnote?: string;
  /** The x axis labels, one per value. */
  labels: string[];
  series: ChartSeries[];
  /** The last value is of a period still going: its segment is dotted and its point hollow. */
  partialLast?: boolean;
  xTitle: string;
  yTitle: string;
  width?: number;
  height?: number;
}

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 500;

const BACKGROUND = "#1b1c1f";
const FRAME = "#8e9297";
const TEXT = "#f2f3f5";
const MUTED = "#c4c9ce";
const GRID = "rgba(255, 255, 255, 0.12)";
/** Okabe–Ito, in an order that keeps the first lines far apart for every kind of colour vision. */
const PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#CC79A7", "#D55E00", "#0072B2"];
const DASHES: number[][] = [[], [10, 4], [3, 3], [12, 4, 3, 4], [6, 6], [2, 6], [16, 6]];
const POINTS: PointStyle[] = ["circle", "rect", "triangle", "rectRot", "star", "crossRot", "cross"];

const FONT = "FD Sans";
const FONT_BOLD = "FD Sans Bold";
const FONT_EXT = "FD Sans Ext";

let ready = false;

/**
 * Registers the fonts and Chart.js parts once. Each weight gets a family name of its own: Skia
 * (as @napi-rs/canvas uses it) matches the last face registered under a family whatever the
 * weight asked for. Latin covers English, German and French; Latin Extended is the fallback
 * for names such as "Łódź".
 */
function setUp(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  const file = (name: string) =>
    readFileSync(require.resolve(`@fontsource/noto-sans/files/noto-sans-${name}-normal.woff2`));
  GlobalFonts.register(file("latin-400"), FONT);
  GlobalFonts.register(file("latin-700"), FONT_BOLD);
  GlobalFonts.register(file("latin-ext-400"), FONT_EXT);
  Chart.register(
    LineController,
    LineElement,
    PointElement,
    LinearScale,
    CategoryScale,
    Legend,
    Title,
    SubTitle,
  );
  // Axis titles and ticks take the defaults: never a system font that may not exist.
  Chart.defaults.font.family = family(FONT);
  ready = true;
}

const family = (name: string) => `"${name}", "${FONT_EXT}", sans-serif`;

/** Paints the chart's own background before anything else is drawn. */
const background = {
  id: "fdBackground",
  beforeDraw(chart: Chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = FRAME;
    ctx.lineWidth = 2;
    ctx.strokeRect(1, 1, width - 2, height - 2);
    ctx.restore();
  },
};

function config(input: ChartInput): ChartConfiguration<"line", Array<number | null>, string> {
  const last = input.labels.length - 1;
  const dense = input.labels.length > 31;
  return {
    type: "line",
    data: {
      labels: input.labels,
      datasets: input.series.map((s, i) => {
        const colour = PALETTE[i % PALETTE.length] as string;
        return {
          label: s.label,
          data: s.values,
          borderColor: colour,
          backgroundColor: colour,
          borderWidth: 3,
          borderDash: DASHES[i % DASHES.length],
          pointStyle: POINTS[i % POINTS.length],
          pointRadius: (ctx: { dataIndex: number }) =>
            ctx.dataIndex === last && input.partialLast ? 5 : dense ? 0 : 4,
          pointBackgroundColor: (ctx: { dataIndex: number }) =>
            ctx.dataIndex === last && input.partialLast ? BACKGROUND : colour,
          pointBorderWidth: 2,
          spanGaps: false,
          tension: 0,
          segment: {
            borderDash: (ctx: { p1DataIndex: number }) =>
              input.partialLast && ctx.p1DataIndex === last ? [2, 4] : undefined,
          },
        };
      }),
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      layout: { padding: { top: 8, right: 40, bottom: 8, left: 16 } },
      color: TEXT,
      font: { family: family(FONT), size: 14 },
      plugins: {
        title: {
          display: true,
          text: input.title,
          color: TEXT,
          font: { family: family(FONT_BOLD), size: 20, weight: "normal" },
          padding: { top: 8, bottom: 8 },
        },
        subtitle: {
          display: !!input.footnote,
          text: input.footnote ?? "",
          position: "bottom",
          color: MUTED,
          font: { family: family(FONT), size: 13 },
          padding: { top: 6, bottom: 2 },
        },
        legend: {
          position: "top",
          labels: {
            color: TEXT,
            usePointStyle: true,
            pointStyleWidth: 18,
            padding: 16,
            font: { family: family(FONT), size: 14 },
          },
        },
      },
      scales: {
        x: {
          title: { display: true, text: input.xTitle, color: MUTED, font: { size: 14 } },
          ticks: { color: TEXT, autoSkip: true, maxRotation: 0, autoSkipPadding: 12 },
          grid: { color: GRID },
          border: { color: FRAME },
        },
        y: {
          beginAtZero: true,
          title: { display: true, text: input.yTitle, color: MUTED, font: { size: 14 } },
          ticks: { color: TEXT, precision: 0 },
          grid: { color: GRID },
          border: { color: FRAME },
        },
      },
    },
    plugins: [background],
  };
}

/** The chart as a PNG. Synchronous: about a tenth of a second (see `npm run bench -- --only trends`). */
export function renderChart(input: ChartInput): Buffer {
  setUp();
  const width = input.width ?? CHART_WIDTH;
  const height = input.height ?? CHART_HEIGHT;
  const canvas = createCanvas(width, height);
  // Chart.js draws on any 2D context; Skia's implements the parts it uses.
  const context = canvas.getContext("2d") as unknown as ConstructorParameters<typeof Chart>[0];
  const chart = new Chart(context, config(input));
  try {
    return canvas.toBuffer("image/png");
  } finally {
    chart.destroy();
  }
}

/**
 * Draws a small chart once, so that the first /trends of a process does not also pay for the
 * fonts, Chart.js's set-up and the JIT (about 300 ms once): call it at start, before Discord
 * can send a command.
 */
export function warmUpCharts(): void {
  renderChart({
    title: "warm-up",
    labels: ["a", "b"],
    series: [{ label: "a", values: [1, 2] }],
    xTitle: "x",
    yTitle: "y",
    width: 200,
    height: 100,
  });
}
