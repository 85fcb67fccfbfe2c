// The monitor's log of recent messages, kept without an object per event: lines are written out only when a frame is built.
//
// A log of LogLine objects (a new string, object and 40-slot array per event) kept each line alive for 40 events, long
// enough for V8 to move it to the old generation: at 1 kHz the web monitor alone grew the old generation by
// ~0.07 MB/s until a full collection. Here an event writes numbers and references to strings the profiles already
// hold into fixed slots; only a term's text (rare) is a string of the event's own.

import type { ControlEvent, ControlValue } from '../codecs/control-value.js';
import type { BridgeLogEntry } from '../pipeline/bridge.js';
import { eventLine, LOG_LINES, type LogLine } from './view-model.js';

type SlotKind = ControlValue['kind'] | 'bridge';

export class LogRing {
  private readonly times = new Float64Array(LOG_LINES);
  private readonly a = new Float64Array(LOG_LINES);
  private readonly b = new Float64Array(LOG_LINES);
  private readonly kinds: SlotKind[] = new Array<SlotKind>(LOG_LINES).fill('bridge');
  private readonly inputs: string[] = new Array<string>(LOG_LINES).fill('');
  private readonly controls: string[] = new Array<string>(LOG_LINES).fill('');
  /** A text value, or a bridge entry's text. */
  private readonly texts: (string | null)[] = new Array<string | null>(LOG_LINES).fill(null);
  private readonly levels: BridgeLogEntry['level'][] = new Array<BridgeLogEntry['level']>(LOG_LINES).fill('info');
  /** Lines written so far; the newest is in slot (count - 1) mod LOG_LINES. */
  private count = 0;

  /** Records a control event; returns the number of lines written so far (a change marker for the feed). */
  pushEvent(e: ControlEvent, time: number): number {
    const i = this.next(time, 'info');
    const v = e.value;
    this.kinds[i] = v.kind;
    this.inputs[i] = e.input;
    this.controls[i] = e.control;
    this.texts[i] = v.kind === 'text' ? v.value : null;
    this.a[i] = v.kind === 'continuous' ? v.value : v.kind === 'discrete' ? v.step : v.kind === 'relative' ? v.delta : v.kind === 'point' ? v.x : 0;
    this.b[i] = v.kind === 'discrete' ? v.max : v.kind === 'point' ? v.y : 0;
    return this.count;
  }

  /** Records one of the bridge's own log entries. */
  pushEntry(entry: BridgeLogEntry, time: number): number {
    const i = this.next(time, entry.level);
    this.kinds[i] = 'bridge';
    this.texts[i] = entry.text;
    return this.count;
  }

  /** The newest LOG_LINES lines, newest last. */
  lines(): LogLine[] {
    const n = Math.min(this.count, LOG_LINES);
    const out: LogLine[] = [];
    for (let k = this.count - n; k < this.count; k++) out.push(this.line(k % LOG_LINES));
    return out;
  }

  private next(time: number, level: BridgeLogEntry['level']): number {
    const i = this.count % LOG_LINES;
    this.count++;
    this.times[i] = time;
    this.levels[i] = level;
    return i;
  }

  private line(i: number): LogLine {
    const time = this.times[i]!;
    const kind = this.kinds[i]!;
    if (kind === 'bridge') return { time, level: this.levels[i]!, text: this.texts[i]! };
    const a = this.a[i]!;
    const value: ControlValue =
      kind === 'continuous'
        ? { kind, value: a }
        : kind === 'discrete'
          ? { kind, step: a, max: this.b[i]! }
          : kind === 'relative'
            ? { kind, delta: a }
            : kind === 'point'
              ? { kind, x: a, y: this.b[i]! }
              : { kind, value: this.texts[i]! };
    return eventLine({ input: this.inputs[i]!, control: this.controls[i]!, value, raw: [], time }, time);
  }
}
