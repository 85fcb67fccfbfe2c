// Test helper: whether a feedback stage's echo filter lets one control event through.
import { Subject } from 'rxjs';
import type { ControlEvent } from '../../src/codecs/control-value.js';
import type { FeedbackStage } from '../../src/pipeline/feedback.js';

export function passesEchoFilter(fb: Pick<FeedbackStage, 'dropEchoes'>, e: ControlEvent): boolean {
  const out: ControlEvent[] = [];
  const s = new Subject<ControlEvent>();
  s.pipe(fb.dropEchoes).subscribe((x) => out.push(x));
  s.next(e);
  return out.length === 1;
}
