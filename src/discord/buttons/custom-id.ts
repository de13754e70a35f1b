/**
 * The custom_id of ForeignDesk's buttons: `fd1:<action>[:<topic>]`. Discord hands it back as
 * it was posted, but anyone can forge an interaction with any string, and buttons on old alerts
 * outlive the code that made them; so the id is versioned and checked here before anything acts
 * on it. A new layout gets a new version and the old one keeps being read (or refused clearly).
 */

/** The layout this build writes. */
export const BUTTON_VERSION = "fd1";
/** Discord's limit on a custom_id. */
export const CUSTOM_ID_MAX = 100;

export type ButtonAction =
  | { kind: "why" }
  | { kind: "more" }
  | { kind: "mute"; topic: string }
  | { kind: "undo"; topic: string };

/** Why a custom_id was refused: each has its own answer (`button.invalid.<problem>`). */
export type ButtonProblem = "version" | "action" | "topic" | "malformed";

export type ParsedButton =
  | { ok: true; action: ButtonAction }
  | { ok: false; problem: ButtonProblem };

const WITHOUT_TOPIC = new Set(["why", "more"]);
const WITH_TOPIC = new Set(["mute", "undo"]);
/** What a taxonomy topic id looks like (config/topics.json). */
const TOPIC_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const PRINTABLE = /^[\x21-\x7e]+$/;

/** The custom_id for an action. */
export function buttonId(action: ButtonAction): string {
  const id =
    action.kind === "mute" || action.kind === "undo"
      ? `${BUTTON_VERSION}:${action.kind}:${action.topic}`
      : `${BUTTON_VERSION}:${action.kind}`;
  if (id.length > CUSTOM_ID_MAX) throw new RangeError(`custom_id over ${CUSTOM_ID_MAX}: ${id}`);
  return id;
}

/** Reads a custom_id; `isTopic` says whether a topic id is one the taxonomy knows. */
export function parseButtonId(raw: unknown, isTopic: (id: string) => boolean): ParsedButton {
  if (typeof raw !== "string" || raw.length > CUSTOM_ID_MAX || !PRINTABLE.test(raw)) {
    return { ok: false, problem: "malformed" };
  }
  const [version, kind, ...rest] = raw.split(":");
  if (!version || !/^fd\d{1,3}$/.test(version)) return { ok: false, problem: "malformed" };
  if (version !== BUTTON_VERSION) return { ok: false, problem: "version" };
  if (!kind) return { ok: false, problem: "malformed" };
  if (WITHOUT_TOPIC.has(kind)) {
    if (rest.length > 0) return { ok: false, problem: "malformed" };
    return { ok: true, action: { kind: kind as "why" | "more" } };
  }
  if (!WITH_TOPIC.has(kind)) return { ok: false, problem: "action" };
  const [topic, ...extra] = rest;
  if (topic === undefined || extra.length > 0 || !TOPIC_ID.test(topic)) {
    return {
      ok: false,
      problem: topic !== undefined && extra.length === 0 ? "topic" : "malformed",
    };
  }
  if (!isTopic(topic)) return { ok: false, problem: "topic" };
  return { ok: true, action: { kind: kind as "mute" | "undo", topic } };
}
