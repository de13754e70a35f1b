import type { Translator } from "../i18n/messages.js";
import type { Subscription } from "../subscriptions/store.js";
import { permissionWord } from "./permissions.js";

/**
 * Why a subscription is paused or disabled, in the admin's language; a subscription paused by an
 * older version has only the English words, shown as they are.
 */
export function statusReasonText(
  s: Pick<Subscription, "statusReason" | "statusWhy">,
  tr: Translator,
): string | undefined {
  const why = s.statusWhy;
  if (!why) return s.statusReason;
  if (why.code === "muted") {
    // Who by name (callers escape the reason, which would break a mention) and when as a
    // Discord timestamp, shown in each reader's time zone.
    if (!why.byName || why.at === undefined) return tr.t("statusReason.muted");
    return tr.t("statusReason.mutedBy", {
      user: why.byName,
      when: `<t:${Math.floor(why.at / 1000)}:f>`,
    });
  }
  if (why.code !== "missing-permissions") return tr.t(`statusReason.${why.code}`);
  const words = (why.permissions ?? []).map((name) => permissionWord(name, tr));
  if (words.length === 0) return tr.t("statusReason.no-permission");
  return tr.t("statusReason.missing-permissions", {
    permissions: why.anyOf ? tr.either(words) : tr.list(words),
  });
}
