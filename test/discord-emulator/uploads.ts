/**
 * File uploads as Discord takes them: multipart parts `files[n]` beside `payload_json`, whose
 * `attachments[]` entries (`id` = n for a new file) give each file its description (alt text) and
 * possibly another filename. Limits of the default tier: 10 files per message and 10 MiB per
 * request body's files (a larger upload is refused before anything else, 413 / 40005, as
 * Discord's edge does). Stored files become message attachments with Discord's fields.
 */
import type { RestResponse } from "./rest.js";
import { type JsonObject, snowflake } from "./state.js";

/** Total bytes of files one message may carry (the default upload tier). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MAX_FILES = 10;

export interface Upload {
  /** The multipart field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** Why Discord refuses these uploads before reading the body, if it does. */
export function uploadProblem(uploads: readonly Upload[]): RestResponse | undefined {
  const size = uploads.reduce((n, u) => n + u.bytes.length, 0);
  if (size > MAX_UPLOAD_BYTES) {
    return { status: 413, body: { message: "Request entity too large", code: 40005 } };
  }
  if (uploads.length > MAX_FILES) {
    return {
      status: 400,
      body: {
        message: "Invalid Form Body",
        code: 50035,
        errors: {
          files: {
            _errors: [
              { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${MAX_FILES} or fewer in length.` },
            ],
          },
        },
      },
    };
  }
  return undefined;
}

/** Width and height from a PNG's IHDR, as Discord reports them for images. */
export function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  const signature = "89504e470d0a1a0a";
  if (bytes.length < 24 || bytes.subarray(0, 8).toString("hex") !== signature) return undefined;
  if (bytes.subarray(12, 16).toString("latin1") !== "IHDR") return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The `n` of a `files[n]` field (discord.js's naming), or the field itself. */
function fileIndex(field: string): string {
  return /^files\[(\d+)\]$/.exec(field)?.[1] ?? field;
}

/**
 * The attachments a message has after this request: on create, one per upload; on edit, the
 * existing ones the body's `attachments` keeps (all of them when it has none) and the new uploads.
 * `store` keeps each new file's bytes by attachment id for tests to read.
 */
export function attachmentsAfter(
  body: JsonObject,
  uploads: readonly Upload[],
  channelId: string,
  store: Map<string, Buffer>,
  existing: readonly JsonObject[] = [],
): JsonObject[] {
  const listed = Array.isArray(body.attachments) ? (body.attachments as JsonObject[]) : undefined;
  const kept = listed
    ? existing.filter((a) => listed.some((l) => String(l.id) === String(a.id)))
    : [...existing];
  const added = uploads.map((upload) => {
    const meta = listed?.find((l) => String(l.id) === fileIndex(upload.field));
    const id = snowflake();
    const filename =
      typeof meta?.filename === "string" && meta.filename ? meta.filename : upload.filename;
    store.set(id, upload.bytes);
    const size = pngSize(upload.bytes);
    const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    return {
      id,
      filename,
      size: upload.bytes.length,
      url,
      proxy_url: url.replace("cdn.discordapp.com", "media.discordapp.net"),
      content_type: upload.contentType,
      ...(typeof meta?.description === "string" ? { description: meta.description } : {}),
      ...(size ?? {}),
    };
  });
  return [...kept, ...added];
}
