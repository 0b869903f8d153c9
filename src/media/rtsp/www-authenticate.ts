/**
 * WWW-Authenticate challenges (RFC 7235 §4.1, used by RTSP per RFC 2326 §12.44):
 * `scheme param=value, param="quoted value", ...`. A server may send several header fields
 * (Tapo and TP-Link send one Basic and one Digest) or several challenges in one field.
 */

/** One challenge: its scheme, lower-cased, and its parameters (keys lower-cased). */
export interface AuthChallenge {
  /** "basic", "digest", or another scheme as sent, lower-cased. */
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
}

const TOKEN_CHAR = /[A-Za-z0-9!#$%&'*+.^_`|~-]/;

/**
 * Every challenge in the given WWW-Authenticate values, in order. Never throws: text that is
 * not a challenge is skipped (the caller fails when no usable scheme is left).
 */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const text of values) {
    let i = 0;
    const n = text.length;
    const space = () => {
      while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === ",")) i++;
    };
    const token = () => {
      const start = i;
      while (i < n && TOKEN_CHAR.test(text[i]!)) i++;
      return text.slice(start, i);
    };
    let current: { scheme: string; params: Map<string, string> } | undefined;
    while (i < n) {
      space();
      const start = i;
      const word = token();
      if (word === "") {
        i++; // a character no grammar allows here: skip it
        continue;
      }
      let j = i;
      while (j < n && (text[j] === " " || text[j] === "\t")) j++;
      if (text[j] !== "=" || current === undefined) {
        if (text[j] === "=" && current === undefined) {
          i = start + word.length; // `key=` before any scheme: not a challenge, skip the key
          continue;
        }
        current = { scheme: word.toLowerCase(), params: new Map() };
        out.push(current);
        continue;
      }
      i = j + 1;
      while (i < n && (text[i] === " " || text[i] === "\t")) i++;
      let value = "";
      if (text[i] === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === "\\" && i + 1 < n) i++;
          value += text[i++];
        }
        i++;
      } else {
        while (i < n && text[i] !== ",") value += text[i++];
        value = value.trim();
      }
      const key = word.toLowerCase();
      if (!current.params.has(key)) current.params.set(key, value);
    }
  }
  return out;
}
