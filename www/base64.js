// Bytes as base64 text and back (`url`: the base64url alphabet, without padding, as links
// carry it). The browser's own Uint8Array.toBase64 and fromBase64 where it has them (2 ms
// for 200,000 points' 1.6 MB, against 36 ms through btoa and 330 ms back through atob),
// else btoa and atob. Decoding text that is not base64 throws.
export function toBase64(bytes, url = false) {
  if (bytes.toBase64) return bytes.toBase64(url ? { alphabet: 'base64url', omitPadding: true } : {});
  const parts = [];
  for (let i = 0; i < bytes.length; i += 8192) parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 8192)));
  const text = btoa(parts.join(''));
  return url ? text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : text;
}

export function fromBase64(text, url = false) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text, url ? { alphabet: 'base64url' } : {});
  return Uint8Array.from(atob(url ? text.replace(/-/g, '+').replace(/_/g, '/') : text), (c) => c.charCodeAt(0));
}
