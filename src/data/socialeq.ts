// Reads SocialEQ's crowd-sourced word curves (40-band relative shapes) and calibrates them to decibels.

import { readFileSync } from 'node:fs';
import { DataFileError } from './errors.js';

/** Centre frequencies (Hz) of SocialEQ's 40 bands, as published with the data. */
export const SOCIALEQ_FREQS: readonly number[] = [
  20, 50, 83, 120, 161, 208, 259, 318, 383, 455, 537, 628, 729, 843, 971, 1114, 1273, 1452, 1652, 1875, 2126, 2406, 2719, 3070,
  3462, 3901, 4392, 4941, 5556, 6244, 7014, 7875, 8839, 9917, 11124, 12474, 13984, 15675, 17566, 19682,
];

export interface SocialEqWord {
  readonly word: string;
  readonly language: string;
  /** The raw 40-band shape (relative, not dB). */
  readonly curve: readonly number[];
  /** People who described the word. */
  readonly contributors: number;
  /** How consistent their curves were, 0..1. */
  readonly agreement: number;
}

export interface SocialEqDataset {
  readonly path: string;
  readonly words: readonly SocialEqWord[];
  readonly rejected: readonly { readonly index: number; readonly reason: string }[];
}

export function parseSocialEq(text: string, path = '<memory>'): SocialEqDataset {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DataFileError(path, `not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new DataFileError(path, 'expected a JSON array of word objects');
  const words: SocialEqWord[] = [];
  const rejected: { index: number; reason: string }[] = [];
  raw.forEach((o: Record<string, unknown>, index) => {
    const settings = o?.settings;
    if (typeof o?.word !== 'string' || o.word.trim() === '') return rejected.push({ index, reason: 'no word' });
    if (!Array.isArray(settings) || settings.length !== SOCIALEQ_FREQS.length || !settings.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      return rejected.push({ index, reason: `"${o.word}": settings must be ${SOCIALEQ_FREQS.length} finite numbers` });
    }
    const num = Number(o.num);
    const agreement = Number(o.agreement);
    if (!Number.isFinite(num) || !Number.isFinite(agreement)) return rejected.push({ index, reason: `"${o.word}": num and agreement must be numbers` });
    words.push({ word: o.word, language: typeof o.lang === 'string' ? o.lang : 'unknown', curve: settings as number[], contributors: num, agreement });
    return undefined;
  });
  return { path, words, rejected };
}

export function loadSocialEq(path: string): SocialEqDataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? "no such file. SocialEQ's word curves do not ship with eqmorph: get eqdescriptors.json from the Audealize API (Interactive Audio Lab) and pass --socialeq PATH (train also takes --no-socialeq)"
        : (err as Error).message;
    throw new DataFileError(path, why);
  }
  return parseSocialEq(text, path);
}

/** Audealize's playback convention: min-max normalise a curve to [-1, 1]. */
export function unitShape(curve: readonly number[]): number[] {
  const lo = Math.min(...curve);
  const hi = Math.max(...curve);
  const span = hi - lo || 1;
  return curve.map((v) => (2 * (v - lo)) / span - 1);
}

function centred(xs: readonly number[]): number[] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.map((x) => x - m);
}

/**
 * The dB per unit of shape that best maps SocialEQ's unit shapes onto SAFE-DB's mean responses for the words both
 * datasets share: least squares over the mean-removed curves (the shapes carry no absolute level), s = Σ<x,y> / Σ<x,x>.
 */
export function calibrationScale(pairs: readonly { readonly shape: readonly number[]; readonly responseDb: readonly number[] }[]): number {
  let xy = 0;
  let xx = 0;
  for (const { shape, responseDb } of pairs) {
    const x = centred(shape);
    const y = centred(responseDb);
    x.forEach((v, i) => {
      xy += v * y[i]!;
      xx += v * v;
    });
  }
  if (xx === 0) throw new RangeError('calibration needs at least one word with a non-flat curve');
  return xy / xx;
}

/** A word's target response in dB: its unit shape, mean removed, times the calibration scale. */
export function calibratedCurveDb(curve: readonly number[], scale: number): number[] {
  return centred(unitShape(curve)).map((v) => v * scale);
}
