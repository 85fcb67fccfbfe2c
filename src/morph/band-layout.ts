// A target profile's band layout as the fitter sees it: each band's type and the ranges its wire scaling can express.

import { BAND_SPECS, GAIN_RANGE, Q_RANGE, SHELF_Q, type BandSpec, type BandType, type ParamSteps, type Range } from '../eq/bands.js';
import { nearestStep } from './layout-steps.js';
import { clamp } from '../eq/units.js';
import type { TargetProfile, TargetScaling } from '../profiles/types.js';

/** The whole audible range: where a target sends frequencies in Hz, any of them can be set. */
const AUDIBLE: Range = { min: 20, max: 20000 };
/**
 * A peaking band whose Q the target does not expose is fitted as Q 1 (about 1.4 octaves wide): an assumption, since
 * the profile says nothing about it; such a band should be given a q parameter where the device has one.
 */
const UNEXPOSED_PEAKING_Q = 1;

/**
 * Where each band type may go in a fit: the target's range, narrowed to where eqmorph's own bands of that type live.
 * A mixer lets every band roam 20 Hz..20 kHz, and a fit left free there finds odd equivalents (a low shelf at 5 kHz
 * and a high shelf at 100 Hz make the same tilt) that match the curve but not what an engineer would read on the desk.
 */
const EQMORPH_FREQ: Record<BandType, Range> = {
  lowshelf: BAND_SPECS[0]!.freq,
  peaking: {
    min: Math.min(...BAND_SPECS.filter((s) => s.type === 'peaking').map((s) => s.freq.min)),
    max: Math.max(...BAND_SPECS.filter((s) => s.type === 'peaking').map((s) => s.freq.max)),
  },
  highshelf: BAND_SPECS[BAND_SPECS.length - 1]!.freq,
};

/** True where the target's bands are eqmorph's own five (low shelf, three peaking, high shelf): sent one to one. */
export function isNativeLayout(target: TargetProfile): boolean {
  return target.bands.length === BAND_SPECS.length && target.bands.every((b, i) => b.type === BAND_SPECS[i]!.type);
}

/** The physical range a scaling can express; where `physical` gives no min or max, the fallback's stands. */
function rangeOf(s: TargetScaling, fallback: Range): Range {
  switch (s.kind) {
    case 'physical':
      return { min: s.min ?? fallback.min, max: s.max ?? fallback.max };
    case 'linear':
    case 'log':
      return { min: s.min, max: s.max };
    case 'table':
      return { min: Math.min(...s.values), max: Math.max(...s.values) };
    case 'fixed-point':
      return { min: s.min, max: s.max };
  }
}

/**
 * The steps of a scaling that holds only some values, where they are coarse enough to matter (a desk's 0.25 dB gain
 * steps, 201 frequencies, 72 Qs); undefined for a continuous one or a fine fixed-point one (hundredths of a dB).
 */
function stepsOf(s: TargetScaling): ParamSteps | undefined {
  return (s.kind === 'linear' || s.kind === 'log') && s.steps !== undefined && s.steps > 1 && s.steps <= MAX_STEPS ? { kind: s.kind, min: s.min, max: s.max, count: s.steps } : undefined;
}

/** Scales with more steps than this are treated as continuous: a step is then below what a fit can resolve. */
const MAX_STEPS = 1024;

/**
 * The fitter's layout for a target, or why it cannot be fitted: every band needs a gain and a frequency the target
 * accepts. A shelf keeps eqmorph's fixed shelf Q (0.71, clamped into the target's Q range) and sends it where the
 * target has a Q for shelves: what a shelf's Q means differs between EQs, so fitting it would chase a model of the
 * slope that may not be the device's.
 */
export function targetLayout(target: TargetProfile): { ok: true; specs: BandSpec[] } | { ok: false; problem: string } {
  const specs: BandSpec[] = [];
  for (const band of target.bands) {
    const { gain, freq, q } = band.params;
    if (!gain || !freq) {
      return { ok: false, problem: `band ${band.number} has no ${gain ? 'freq' : 'gain'} parameter, so its layout cannot be fitted to eqmorph's response` };
    }
    const gainRange = rangeOf(gain.scaling, GAIN_RANGE);
    const qRange = q ? rangeOf(q.scaling, Q_RANGE) : Q_RANGE;
    const freqRange = rangeOf(freq.scaling, AUDIBLE);
    if (!(gainRange.min < 0 && gainRange.max > 0)) {
      return { ok: false, problem: `band ${band.number}'s gain range ${gainRange.min}..${gainRange.max} dB does not contain 0 dB, so it cannot be fitted` };
    }
    const steps = { gain: stepsOf(gain.scaling), freq: stepsOf(freq.scaling), q: q ? stepsOf(q.scaling) : undefined };
    // A shelf's fixed Q is the step the desk will hold, so the fit sees the shelf the desk makes.
    const shelfQ = clamp(SHELF_Q, qRange.min, qRange.max);
    const fixedQ = band.type === 'peaking' ? (q ? null : UNEXPOSED_PEAKING_Q) : steps.q ? nearestStep(steps.q, shelfQ) : shelfQ;
    const own = EQMORPH_FREQ[band.type];
    const fitRange = { min: Math.max(freqRange.min, own.min), max: Math.min(freqRange.max, own.max) };
    if (!(fitRange.min < fitRange.max)) {
      return { ok: false, problem: `band ${band.number}'s frequency range ${freqRange.min}..${freqRange.max} Hz misses eqmorph's ${band.type} range ${own.min}..${own.max} Hz` };
    }
    const stepped = Object.fromEntries(Object.entries(steps).filter(([, v]) => v !== undefined));
    specs.push({ type: band.type, freq: fitRange, fixedQ, gain: gainRange, q: qRange, ...(Object.keys(stepped).length ? { steps: stepped } : {}) });
  }
  return { ok: true, specs };
}
