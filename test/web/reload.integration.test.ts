import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { startRun } from '../../src/cli/run.js';
import { until } from './running-monitor.js';

// A mapping reload replaces the bridge: the page must follow the new one, and pick among the new instances.
const controller = resolve('firmware-profiles/controllers/eqmorph-osc.yaml');
const target = resolve('firmware-profiles/targets/eqmorph-osc.yaml');
const instance = (name: string, index: number) => `  - name: ${name}
    output: eq
    index: ${index}
    initial: { term_a: warm, term_b: bright }
    bindings:
      - { source: surface.alpha, target: alpha, takeover: jump }
`;
const mappingText = (names: string[]) => `version: 1
kind: mapping
name: web reload test
inputs:
  surface: { profile: ${controller}, osc: { listen: 127.0.0.1:19000 } }
outputs:
  eq: { profile: ${target}, osc: { send: 127.0.0.1:9 } }
instances:
${names.map((n, i) => instance(n, i + 1)).join('')}`;

interface Frame {
  type: string;
  instances?: { name: string; alpha: number }[];
}

test('after a reload the page sees the new instances and its commands reach the new bridge', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-web-reload-'));
  const file = join(dir, 'm.yaml');
  writeFileSync(file, mappingText(['one']));
  const run = await startRun({ mapping: file, oscIn: { host: '127.0.0.1', port: 0 }, web: { listen: { host: '127.0.0.1', port: 0 }, token: null }, rehearse: 0 }, () => {});
  const ws = new WebSocket(run.web!.url.replace('http:', 'ws:') + 'ws');
  const frames: Frame[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Frame));
  try {
    await new Promise((r) => ws.once('open', r));
    const last = () => frames.filter((f) => f.type === 'state').at(-1);
    await until('a first frame', () => last()?.instances?.length === 1);

    writeFileSync(file, mappingText(['one', 'two']));
    assert.equal(await run.reload(), true);
    await until('a frame with both instances', () => last()?.instances?.map((i) => i.name).join() === 'one,two');

    ws.send(JSON.stringify({ type: 'set', instance: 'two', control: 'alpha', value: 0.6 }));
    await until('the new bridge takes the page\'s move', () => run.bridge().state().get('two')?.alpha === 0.6);
    await until('the page sees it', () => last()?.instances?.find((i) => i.name === 'two')?.alpha === 0.6);
    assert.equal(run.bridge().state().get('one')!.alpha, 0);
  } finally {
    ws.terminate();
    await run.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
