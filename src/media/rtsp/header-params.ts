/**
 * `key=value` lists inside RTSP header values: `;`-separated in Session (RFC 2326 §12.37),
 * Transport (§12.39) and RTP-Info (§12.33) entries, `,`-separated in authentication
 * challenges (RFC 7235 §2.1). Values may be quoted strings with `\` escapes (RFC 7230 §3.2.6).
 * Cameras pad with spaces around `=` and separators; both are tolerated.
 */

/**
 * The parameters of `text`, keys lower-cased, in order; a key without `=` maps to "".
 * An unterminated quoted string runs to the end of the text. A repeated key keeps its first value.
 */
export function parseParams(text: string, separator: ";" | ","): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
  };
  while (i < n) {
    skipSpace();
    let key = "";
    while (i < n && text[i] !== "=" && text[i] !== separator) key += text[i++];
    key = key.trim().toLowerCase();
    let value = "";
    if (text[i] === "=") {
      i++;
      skipSpace();
      if (text[i] === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === "\\" && i + 1 < n) i++;
          value += text[i++];
        }
        i++; // the closing quote
        while (i < n && text[i] !== separator) i++;
      } else {
        while (i < n && text[i] !== separator) value += text[i++];
        value = value.trim();
      }
    }
    if (text[i] === separator) i++;
    if (key !== "" && !out.has(key)) out.set(key, value);
  }
  return out;
}
