// Forgiving term lookup: spelling normalised, simple comparatives ("brighter" -> "bright") understood, nearest terms suggested.

import { normaliseTerm } from '../data/terms.js';

export type TermLookup = { readonly ok: true; readonly term: string } | { readonly ok: false; readonly input: string; readonly suggestions: readonly string[] };

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Candidate base forms of an inflected adjective or adverb: brighter, brightest, brightly, warmish, muddier -> muddy, thinner -> thin. */
export function baseForms(word: string): string[] {
  const out: string[] = [];
  const strip = (suffix: string) => (word.endsWith(suffix) && word.length > suffix.length + 2 ? word.slice(0, -suffix.length) : null);
  for (const suffix of ['est', 'er', 'ly', 'ish', 'ness']) {
    const stem = strip(suffix);
    if (!stem) continue;
    out.push(stem);
    if (stem.endsWith('i')) out.push(stem.slice(0, -1) + 'y'); // muddier -> muddy
    if (/([bdgmnprt])\1$/.test(stem)) out.push(stem.slice(0, -1)); // thinner -> thin
    out.push(stem + 'e'); // closer -> close
  }
  return out;
}

/** The n known terms closest in spelling to the input. */
export function closestTerms(input: string, known: readonly string[], n = 3): string[] {
  const w = normaliseTerm(input);
  return known
    .map((t) => ({ t, d: editDistance(w, t) - (t.startsWith(w.slice(0, 3)) ? 0.5 : 0) }))
    .sort((a, b) => a.d - b.d || a.t.localeCompare(b.t))
    .slice(0, n)
    .map((x) => x.t);
}

export function lookupTerm(input: string, known: readonly string[]): TermLookup {
  const set = new Set(known);
  const w = normaliseTerm(input);
  if (set.has(w)) return { ok: true, term: w };
  for (const base of baseForms(w)) if (set.has(base)) return { ok: true, term: base };
  return { ok: false, input, suggestions: closestTerms(w, known) };
}
