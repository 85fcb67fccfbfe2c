import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../src/cli/run.js';

// A hot reload of a file that is not YAML at all (a half-saved edit), or has vanished, keeps the running mapping and state.

const mappingText = `version: 1
kind: mapping
name: broken reload
inputs:
  surface: { profile: ${resolve('firmware-profiles/controllers/eqmorph-osc.yaml')}, osc: { listen: 127.0.0.1:19000 } }
outputs:
  eq: { profile: ${resolve('firmware-profiles/targets/eqmorph-osc.yaml')}, osc: { send: 127.0.0.1:9 } }
instances:
  - { name: main, output: eq, initial: { term_a: warm, term_b: bright }, bindings: [{ source: surface.alpha, target: alpha, takeover: jump }] }
`;

test('invalid YAML syntax, an empty file and a deleted file are reported, and the running mapping and morph state stay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-reload-broken-'));
  const file = join(dir, 'm.yaml');
  writeFileSync(file, mappingText);
  const log: string[] = [];
  const run = await startRun({ mapping: file, oscIn: { host: '127.0.0.1', port: 0 }, rehearse: 0 }, (l) => log.push(l));
  try {
    run.bridge().inject({ input: 'surface', control: 'alpha', value: { kind: 'continuous', value: 0.25 }, raw: [], time: 0 });
    const running = run.mapping();
    for (const broken of [mappingText.replace('instances:', 'instances: [\n  {'), '', null]) {
      if (broken === null) rmSync(file);
      else writeFileSync(file, broken);
      const before = log.length;
      assert.equal(await run.reload(), false);
      assert.ok(log.slice(before).some((l) => /mapping not reloaded, the running one stays/.test(l)), log.slice(before).join('\n'));
      assert.equal(run.mapping(), running);
      assert.equal(run.bridge().state().get('main')!.alpha, 0.25);
    }
    // And the running bindings still work.
    run.bridge().inject({ input: 'surface', control: 'alpha', value: { kind: 'continuous', value: 0.5 }, raw: [], time: 0 });
    assert.equal(run.bridge().state().get('main')!.alpha, 0.5);
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
