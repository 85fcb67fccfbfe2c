import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createStaticServer } from '../../src/web/static-server.js';

test('the page has an icon: /favicon.ico is an ICO file, not a 404', async () => {
  const server = createStaticServer({ listen: { host: '127.0.0.1', port: 0 }, token: null });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/favicon.ico`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/x-icon');
    assert.deepEqual([...new Uint8Array(await res.arrayBuffer()).subarray(0, 4)], [0, 0, 1, 0]);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
