/**
 * Security headers of the HTML pages camserver serves (the console at `/`, the API reference
 * at `/docs`): the page's own Content Security Policy (CSP Level 3) and what every page gets:
 * no MIME sniffing, no referrer (a page may carry its token in the URL fragment at first
 * load), no framing (clickjacking; `frame-ancestors 'none'` belongs in each policy too).
 */

/** The headers of a page whose CSP has `directives` (each `name value...`, joined with `; `). */
export function pageSecurityHeaders(directives: readonly string[]) {
  return {
    "content-security-policy": directives.join("; "),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
  } as const;
}
