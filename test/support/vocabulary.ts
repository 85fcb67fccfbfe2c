// The shipped model's words, without loading TensorFlow.js, and a decoder that only knows them (for reduceControl).
import { readFileSync } from 'node:fs';
import type { MorphDecoder } from '../../src/morph/morph-state.js';

export const VOCABULARY = Object.keys(JSON.parse(readFileSync('models/default/terms.json', 'utf8')) as Record<string, unknown>);

/** reduceControl only resolves terms; decoding an EQ is the bridge's job after it, so this decoder never decodes. */
export const vocabularyDecoder: MorphDecoder = {
  terms: VOCABULARY,
  hasTerm: (t) => VOCABULARY.includes(t),
  decode: () => {
    throw new Error('reduceControl does not decode');
  },
};
