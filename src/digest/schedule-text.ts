/** Scheduled digests in words, for /digest schedule's confirmation and /digest schedules. */
import type { Taxonomy } from "../classify/index.js";
import { channelMention, relativeTime, topicName } from "../discord/format.js";
import { statusReasonText } from "../discord/status-reason.js";
import type { Translator } from "../i18n/messages.js";
import type { DigestSchedule } from "./schedule-store.js";
import { formatTime, WEEKDAYS, type Weekday } from "./slots.js";

/** A weekday's name in the reader's language ("Monday", "Montag", "lundi"), from Intl. */
export function weekdayName(day: Weekday, tr: Translator): string {
  // 2024-01-07 was a Sunday; WEEKDAYS starts on Sunday too.
  const date = new Date(Date.UTC(2024, 0, 7 + WEEKDAYS.indexOf(day)));
  return new Intl.DateTimeFormat(tr.locale, { weekday: "long", timeZone: "UTC" }).format(date);
}

/** "every day", "Monday to Friday", "every Monday". */
export function cadenceText(s: Pick<DigestSchedule, "every" | "on">, tr: Translator): string {
  if (s.every === "day") return tr.t("digestSchedule.everyDay");
  if (s.every === "weekday") return tr.t("digestSchedule.everyWeekday");
  return tr.t("digestSchedule.everyWeek", { day: weekdayName(s.on ?? "mon", tr) });
}

/** "08:30 Europe/Berlin, Monday to Friday". */
export function whenText(s: DigestSchedule, tr: Translator): string {
  return tr.t("digestSchedule.when", {
    time: formatTime(s.hour, s.minute),
    zone: s.timezone,
    cadence: cadenceText(s, tr),
  });
}

export function scopeText(s: DigestSchedule, taxonomy: Taxonomy, tr: Translator): string {
  return s.topic ? topicName(taxonomy, s.topic, tr.locale) : tr.t("digest.allTopics");
}

/** One schedule as a line of /digest schedules: id, channel, topic, time, state or next run. */
export function scheduleLine(
  s: DigestSchedule,
  taxonomy: Taxonomy,
  tr: Translator,
  next: number,
): string {
  const parts = [
    `\`${s.id}\``,
    channelMention(s.channelId),
    scopeText(s, taxonomy, tr),
    whenText(s, tr),
  ];
  if (s.status === "disabled") parts.push(stateText(s, tr));
  else {
    parts.push(tr.t("digestSchedule.next", { when: relativeTime(next) }));
    if (s.status === "paused") parts.push(stateText(s, tr));
  }
  return parts.join(" · ");
}

function stateText(s: DigestSchedule, tr: Translator): string {
  const state = tr.t(s.status === "paused" ? "subscriptions.paused" : "subscriptions.disabled");
  const why = statusReasonText({ statusWhy: s.statusWhy }, tr);
  return why ? tr.t("subscriptions.stateWithReason", { state, why }) : state;
}
