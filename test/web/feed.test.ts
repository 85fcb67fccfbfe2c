import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { broadcast, MAX_BUFFERED, type FeedClient } from '../../src/web/feed.js';

/** A page's socket as the feed sees it: its state, how much it has not taken yet, and what it was sent. */
class Page implements FeedClient {
  readonly got: string[] = [];
  constructor(
    readonly readyState: number,
    readonly bufferedAmount: number,
  ) {}
  send(text: string): void {
    this.got.push(text);
  }
}

test('a frame goes to every open page that keeps up, and skips a page whose socket is backed up', () => {
  const fast = new Page(WebSocket.OPEN, 0);
  const slow = new Page(WebSocket.OPEN, MAX_BUFFERED);
  const closing = new Page(WebSocket.CLOSING, 0);
  assert.equal(broadcast([fast, slow, closing], 'frame'), 1);
  assert.deepEqual(fast.got, ['frame']);
  assert.deepEqual(slow.got, []);
  assert.deepEqual(closing.got, []);
});

test('a page that drains gets the next frame, not the ones it missed', () => {
  const page = new Page(WebSocket.OPEN, MAX_BUFFERED + 1);
  broadcast([page], 'old');
  const drained = Object.assign(new Page(WebSocket.OPEN, 0), { got: page.got });
  broadcast([drained], 'new');
  assert.deepEqual(page.got, ['new']);
});
