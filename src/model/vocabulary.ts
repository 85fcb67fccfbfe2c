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

/**
 * How much longer than the longest known term an input may be and still be looked up: room for grading words ("a
 * little bit more warm"). A longer one names no term; refusing it at once keeps a flood of long words cheap.
 */
export const TERM_LENGTH_MARGIN = 40;

/** What a lookup needs of a vocabulary, built once per list (a model's list is one array for its whole life). */
interface TermIndex {
  readonly set: ReadonlySet<string>;
  readonly loose: ReadonlyMap<string, string>;
  readonly sound: ReadonlyMap<string, string>;
  /** Inputs longer than this are refused without a search. */
  readonly maxInput: number;
}

const indexes = new WeakMap<readonly string[], TermIndex>();

function termIndex(known: readonly string[]): TermIndex {
  let index = indexes.get(known);
  if (!index) {
    const loose = new Map<string, string>();
    for (const t of known) if (!loose.has(looseKey(t))) loose.set(looseKey(t), t);
    const maxInput = known.reduce((m, t) => Math.max(m, t.length), 0) + TERM_LENGTH_MARGIN;
    index = { set: new Set(known), loose, sound: new Map(known.map((t) => [t, soundKey(t)])), maxInput };
    indexes.set(known, index);
  }
  return index;
}

/** True when `input` is too long to name any of `known`, so no lookup or suggestion is tried. */
export function tooLongForTerm(input: string, known: readonly string[]): boolean {
  return input.length > termIndex(known).maxInput;
}

/**
 * The n known terms closest in spelling, or in sound, to the input. Bounded: the input is cut to the longest term plus
 * a margin, and each term's sound key is computed once per vocabulary, so one call costs at most vocabulary size x
 * (longest term + margin)^2 steps whatever is sent.
 */
export function closestTerms(input: string, known: readonly string[], n = 3): string[] {
  const index = termIndex(known);
  const w = normaliseTerm(input.slice(0, index.maxInput));
  const ws = soundKey(w);
  const distance = (t: string) => Math.min(editDistance(w, t), editDistance(ws, index.sound.get(t) ?? soundKey(t)) + 0.25) - (t.startsWith(w.slice(0, 3)) ? 0.5 : 0);
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

/** The known term an input names (spelling normalised, grading words and inflections dropped), or null; no suggestions. */
export function findTerm(input: string, known: readonly string[]): string | null {
  const { set, loose, maxInput } = termIndex(known);
  if (input.length > maxInput) return null;
  const w = normaliseTerm(input);
  const ungraded = w.replace(GRADING, '');
  for (const candidate of new Set([w, ungraded])) {
    for (const form of [candidate, ...baseForms(candidate)]) {
      if (set.has(form)) return form;
      const match = loose.get(looseKey(form));
      if (match !== undefined) return match;
    }
  }
  return null;
}

export function lookupTerm(input: string, known: readonly string[]): TermLookup {
  const term = findTerm(input, known);
  if (term !== null) return { ok: true, term };
  return { ok: false, input, suggestions: tooLongForTerm(input, known) ? [] : closestTerms(input, known) };
}
