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

/**
 * A rough sound-alike key, so a word spelt as it sounds finds the word ("brite" -> "bright", "fuzy" -> "fuzzy"): silent
 * "gh", "ph" as "f", "ck" as "k", doubled letters once, a final silent "e" dropped.
 */
export function soundKey(term: string): string {
  return looseKey(term)
    .replace(/gh/g, '')
    .replace(/ph/g, 'f')
    .replace(/ck/g, 'k')
    .replace(/(.)\1+/g, '$1')
    .replace(/(.)e$/, '$1');
}

/** The n known terms closest in spelling, or in sound, to the input. */
export function closestTerms(input: string, known: readonly string[], n = 3): string[] {
  const w = normaliseTerm(input);
  const ws = soundKey(w);
  const distance = (t: string) => Math.min(editDistance(w, t), editDistance(ws, soundKey(t)) + 0.25) - (t.startsWith(w.slice(0, 3)) ? 0.5 : 0);
  return known
    .map((t) => ({ t, d: distance(t) }))
    .sort((a, b) => a.d - b.d || a.t.localeCompare(b.t))
    .slice(0, n)
    .map((x) => x.t);
}

/**
 * What a control surface or a quick hand can lose: accents ("frio" for "frío"), and the joins of a compound word
 * ("high pitched", "highpitched", "high_pitched" for "high-pitched"). Two spellings with the same key name one term.
 */
export function looseKey(term: string): string {
  return normaliseTerm(term).normalize('NFD').replace(/\p{M}/gu, '').replace(/[\s_'-]+/g, '');
}

/** Words that grade a description without changing it: "more warm", "a bit brighter", "very muddy". */
const GRADING = /^(?:(?:a )?(?:little|bit|touch|tad)(?: of)? |(?:much|more|less|very|really|quite|slightly|somewhat|rather|too|extra|super|bit) )+/;

export function lookupTerm(input: string, known: readonly string[]): TermLookup {
  const set = new Set(known);
  const loose = new Map<string, string>();
  for (const t of known) if (!loose.has(looseKey(t))) loose.set(looseKey(t), t);
  const w = normaliseTerm(input);
  const ungraded = w.replace(GRADING, '');
  for (const candidate of new Set([w, ungraded])) {
    for (const form of [candidate, ...baseForms(candidate)]) {
      if (set.has(form)) return { ok: true, term: form };
      const match = loose.get(looseKey(form));
      if (match !== undefined) return { ok: true, term: match };
    }
  }
  return { ok: false, input, suggestions: closestTerms(w, known) };
}
