// Text from the network made safe for a terminal and a log file: control characters shown as escapes — pure.

/** C0 and C1 controls, DEL, and the bidirectional overrides that can reorder what a terminal shows. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character written as `\xNN` or `\uNNNN`: a word or address sent by anyone cannot move the
 * cursor, recolour the terminal, or start a new line that looks like one of eqmorph's own.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
