import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eqmorph } from '../support/cli.js';

test('a missing model directory is an error naming the path, exit 2', async () => {
  const r = await eqmorph('terms', '--model', '/nonexistent/model');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\/nonexistent\/model: no model directory here/);
});

test('terms --json lists the default vocabulary with its metadata, at least 100 English words, and --all adds the hidden ones', async () => {
  const shown = JSON.parse((await eqmorph('terms', '--json')).stdout) as { term: string; source: string; language: string; count: number; agreement: number | null; fitErrorDb: number | null; hidden: boolean }[];
  assert.ok(shown.filter((t) => t.language === 'English').length >= 100, `${shown.filter((t) => t.language === 'English').length} English terms`);
  for (const t of shown) {
    assert.equal(t.hidden, false);
    assert.ok(['safe', 'socialeq'].includes(t.source));
    assert.ok(t.count > 0 && typeof t.fitErrorDb === 'number', t.term);
    if (t.source === 'socialeq') assert.ok(t.agreement !== null && t.agreement >= 0 && t.agreement <= 1, t.term);
  }
  const all = JSON.parse((await eqmorph('terms', '--all', '--json')).stdout) as { term: string; hidden: boolean }[];
  assert.ok(all.length > shown.length && all.some((t) => t.hidden));
});
