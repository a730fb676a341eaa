// A short fingerprint of a text (cyrb53, 53 bits, hex), the same in the browser and on the
// server: a save of a description says which text it was edited from (`If-Match:
// "<version>"`), and the server refuses it with 409 when the stored text is no longer that one.
// Only the description's own text counts, so a change of another column (agent status, title)
// is never mistaken for a conflict. Not a security measure.

export function textVersion(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}

/** The `If-Match` value for a description edited from `text`. */
export const descriptionETag = (text: string) => `"d-${textVersion(text)}"`;
