// Keeps only the newest word per control within one turn of the event loop: a flood of words costs the fader nothing.

import { audit, filter, groupBy, merge, mergeMap, Observable, share, type MonoTypeOperatorFunction } from 'rxjs';
import type { ControlEvent } from '../codecs/control-value.js';

/** Emits once on the next turn of the event loop, after the I/O callbacks of this one. */
export const nextTurn = () =>
  new Observable<void>((sub) => {
    const id = setImmediate(() => sub.next());
    return () => clearImmediate(id);
  });

/**
 * Text events (a word for term A or B) are looked up against the vocabulary, which costs far more than a fader move;
 * only the newest word a control sent within one turn (the datagrams one socket read together) is passed on, at the
 * end of that turn. Every other event passes at once and in order. Keys are a profile's controls, so the groups are few.
 */
export function coalesceTerms(): MonoTypeOperatorFunction<ControlEvent> {
  return (source) => {
    const shared = source.pipe(share());
    return merge(
      shared.pipe(filter((e) => e.value.kind !== 'text')),
      shared.pipe(
        filter((e) => e.value.kind === 'text'),
        groupBy((e) => `${e.input}\u0000${e.control}`),
        mergeMap((group) => group.pipe(audit(nextTurn))),
      ),
    );
  };
}
