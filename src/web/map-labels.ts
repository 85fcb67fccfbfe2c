// Which words of the sound map get a readable label: the best-supported first, each only where it overlaps no label already placed — pure.

export interface LabelBox {
  readonly term: string;
  /** The label's box in drawing units: left, top, width, height. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface LabelCandidate {
  readonly term: string;
  /** The word's point in drawing units (y down). */
  readonly px: number;
  readonly py: number;
  /** Higher is labelled first (support: examples or contributors). */
  readonly priority: number;
}

const overlaps = (a: LabelBox, b: LabelBox) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Greedy placement: words in order of priority, each tried right of its dot, then left, above and below; a label that
 * would overlap a placed one (or leave the drawing) is not drawn and the word stays a dot. Every returned box is
 * disjoint from every other, by construction.
 */
export function placeLabels(words: readonly LabelCandidate[], size: { readonly width: number; readonly height: number }, textWidth: (term: string) => number, lineHeight: number, gap = 3): LabelBox[] {
  const placed: LabelBox[] = [];
  const order = words.slice().sort((a, b) => b.priority - a.priority || a.term.localeCompare(b.term));
  for (const w of order) {
    const tw = textWidth(w.term);
    const options: LabelBox[] = [
      { term: w.term, x: w.px + gap, y: w.py - lineHeight / 2, w: tw, h: lineHeight },
      { term: w.term, x: w.px - gap - tw, y: w.py - lineHeight / 2, w: tw, h: lineHeight },
      { term: w.term, x: w.px - tw / 2, y: w.py - gap - lineHeight, w: tw, h: lineHeight },
      { term: w.term, x: w.px - tw / 2, y: w.py + gap, w: tw, h: lineHeight },
    ];
    const fits = options.find((b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= size.width && b.y + b.h <= size.height && !placed.some((p) => overlaps(p, b)));
    if (fits) placed.push(fits);
  }
  return placed;
}
