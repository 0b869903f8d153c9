/**
 * A response body made of stored files served as one file: a recording's `.h264` parts,
 * or an MP4 joined from an init segment and movie fragments of several segment files
 * (whose `mfhd` sequence numbers and `tfdt` decode times are re-based onto one timeline as
 * they are read; sizes do not change, so offsets are known before anything is read).
 * Answers single byte ranges (RFC 9110 §14: `bytes=a-b`, `bytes=a-`, `bytes=-n`) with 206
 * and Content-Range, an unsatisfiable one with 416; several ranges get the whole file (200),
 * which §14.2 allows.
 *
 * Content-Length: Bun.serve drops the Content-Length of a streamed body (measured on Bun
 * 1.4.5: it sends chunked instead), so a body is sent from memory, up to 32 MiB, or as a
 * file slice when it lies in one file that needs no rewriting. A range asked for beyond
 * 32 MiB gets its first 32 MiB (the Content-Range says which bytes came; players ask for
 * the rest); only a whole-file answer above 32 MiB streams without a Content-Length.
 */
import { firstDecodeTime, rebaseFragments } from "../media/fmp4/rebase-fragment.ts";

/** One stored file of the joined body. */
export interface BodyPiece {
  /** Absolute path. */
  readonly path: string;
  /** Its size in bytes (from the database; the file must have exactly this size). */
  readonly size: number;
  /** For a movie fragment: its new sequence number and decode time (ticks). */
  readonly rebase?: { readonly sequence: number; readonly decodeTime: number };
}

/** Headers and status of a joined body, and the byte range to send. */
interface Plan {
  readonly status: 200 | 206 | 416;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/**
 * Which bytes of `total` a Range header asks for.
 * @returns the whole body when there is no header, another unit, or several ranges
 */
export function planRange(header: string | null, total: number): Plan {
  const whole: Plan = { status: 200, start: 0, end: total };
  if (!header) return whole;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // An other unit, or several ranges: ignored (§14.2), the whole body is the answer.
  if (!m) return !header.trim().startsWith("bytes=") || header.includes(",") ? whole : { status: 416, start: 0, end: 0 };
  const [, a, b] = m;
  if (a === "" && b === "") return { status: 416, start: 0, end: 0 };
  if (a === "") {
    const n = Math.min(Number(b), total);
    return n === 0 ? { status: 416, start: 0, end: 0 } : { status: 206, start: total - n, end: total };
  }
  const start = Number(a);
  const end = b === "" ? total : Math.min(Number(b) + 1, total);
  if (start >= total || end <= start) return { status: 416, start: 0, end: 0 };
  return { status: 206, start, end };
}

async function readPiece(p: BodyPiece): Promise<Uint8Array> {
  const bytes = await Bun.file(p.path).bytes();
  if (bytes.byteLength !== p.size) throw new Error(`stored file changed size (${bytes.byteLength}, expected ${p.size})`);
  if (p.rebase) {
    const from = firstDecodeTime(bytes) ?? 0;
    rebaseFragments(bytes, p.rebase.sequence, p.rebase.decodeTime - from);
  }
  return bytes;
}

/**
 * The response for `request` (its Range header) over `pieces`.
 * @throws Error when a stored file is missing or changed size (read before answering, when buffered)
 * @param contentType e.g. `video/mp4`
 * @param filename offered in Content-Disposition (inline)
 * @param headers extra headers
 */
export async function joinedFileResponse(
  request: Request,
  pieces: readonly BodyPiece[],
  contentType: string,
  filename: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const total = pieces.reduce((n, p) => n + p.size, 0);
  const plan = planRange(request.headers.get("range"), total);
  const base = {
    "accept-ranges": "bytes",
    "content-type": contentType,
    "content-disposition": `inline; filename="${filename}"`,
    "cache-control": "no-store",
    ...headers,
  };
  if (plan.status === 416) return new Response(null, { status: 416, headers: { ...base, "content-range": `bytes */${total}` } });
  let end = plan.end;
  if (plan.status === 206 && end - plan.start > MAX_BUFFERED) end = plan.start + MAX_BUFFERED;
  let offset = 0;
  const todo: { piece: BodyPiece; from: number; to: number }[] = [];
  for (const piece of pieces) {
    const s = Math.max(plan.start, offset);
    const e = Math.min(end, offset + piece.size);
    if (s < e) todo.push({ piece, from: s - offset, to: e - offset });
    offset += piece.size;
  }
  const h: Record<string, string> = { ...base, "content-length": String(end - plan.start) };
  if (plan.status === 206) h["content-range"] = `bytes ${plan.start}-${end - 1}/${total}`;
  const init = { status: plan.status, headers: h };
  const only = todo.length === 1 ? todo[0]! : undefined;
  if (only && !only.piece.rebase) return new Response(Bun.file(only.piece.path).slice(only.from, only.to), init);
  if (end - plan.start <= MAX_BUFFERED) return new Response((await bufferedBody(todo, end - plan.start)) as unknown as BodyInit, init);
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const t = todo[i++];
      if (!t) return controller.close();
      controller.enqueue(slice(await readPiece(t.piece), t.from, t.to));
    },
  });
  return new Response(stream, init);
}

/** Largest body sent from memory (with a Content-Length), bytes. */
export const MAX_BUFFERED = 32 * 1024 * 1024;

const slice = (b: Uint8Array, from: number, to: number) => (from === 0 && to === b.byteLength ? b : b.subarray(from, to));

/** Reads the pieces into one buffer of `size` bytes. */
async function bufferedBody(todo: readonly { piece: BodyPiece; from: number; to: number }[], size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let o = 0;
  for (const t of todo) {
    const part = slice(await readPiece(t.piece), t.from, t.to);
    out.set(part, o);
    o += part.byteLength;
  }
  return out;
}
