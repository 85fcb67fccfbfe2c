import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { learnedOscYaml } from '../../src/cli/learn.js';
import type { OscInMessage } from '../../src/transports/osc-udp.js';

const msg = (address: string, types: string, args: (number | string)[]): OscInMessage => ({ address, types, args, from: { address: '127.0.0.1', port: 1 }, time: 0 });

test('a float fader becomes a 0..1 float control and an alpha binding with pickup', () => {
  const y = learnedOscYaml([msg('/1/fader1', 'f', [0.2]), msg('/1/fader1', 'f', [0.9])], 'alpha');
  const control = parse(y.split('# in the mapping')[0]!.split('\n').slice(1).join('\n'));
  assert.deepEqual(control, { '1_fader1': { osc: { address: '/1/fader1', type: 'f', min: 0, max: 1 } } });
  assert.match(y, /- \{ source: <input>\.1_fader1, target: alpha, takeover: pickup \}/);
});

test('an int control keeps the widest range it was seen to send; a bare address is a trigger', () => {
  assert.match(learnedOscYaml([msg('/knob', 'i', [3]), msg('/knob', 'i', [200])], 'strength'), /type: i, min: 0, max: 200/);
  assert.match(learnedOscYaml([msg('/go', '', [])], 'dump'), /type: none/);
  assert.match(learnedOscYaml([msg('/word', 's', ['warm'])], 'term_a'), /type: s[\s\S]*target: term_a/);
});
