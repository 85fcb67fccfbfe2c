// Hand-built OSC bytes for tests, written without osc-js so the decoder is checked against an independent encoder.

function padded(text: string, padByte = 0): number[] {
  const bytes = [...new TextEncoder().encode(text), 0];
  while (bytes.length % 4 !== 0) bytes.push(padByte);
  return bytes;
}

/** A message from its parts: address and type tag string as given (no checks), then raw argument bytes. */
export function rawMessage(address: string, typeTags: string, argBytes: readonly number[], options: { padByte?: number } = {}): Uint8Array {
  return new Uint8Array([...padded(address, options.padByte), ...padded(typeTags, options.padByte), ...argBytes]);
}

/** A bundle with an immediate time tag holding the given elements. */
export function bundle(...elements: Uint8Array[]): Uint8Array {
  const out = [...padded('#bundle'), 0, 0, 0, 0, 0, 0, 0, 1];
  for (const e of elements) {
    const n = e.byteLength;
    out.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, ...e);
  }
  return new Uint8Array(out);
}
