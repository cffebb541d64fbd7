import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MpscQueue, MpscRegistry, ReceiverBusyError } from './queue';

test('registry: the first define fixes the limit; later defines return the same queue', () => {
  const r = new MpscRegistry<number>();
  const a = r.define('q', 2);
  assert.equal(r.define('q'), a);
  assert.equal(r.define('q', 100).limit, 2);
  assert.equal(r.define('other').limit, undefined);
});

test('bounded send waits for room; senders are admitted in order as items are received', () => {
  const q = new MpscQueue<number>('q', 1);
  const log: string[] = [];
  q.send(1, (o) => log.push(`1:${o.ok}`));
  q.send(2, (o) => log.push(`2:${o.ok}`));
  q.send(3, (o) => log.push(`3:${o.ok}`));
  assert.deepEqual(log, ['1:true']);
  assert.equal(q.trySend(9), 'full');
  q.recvMany(10, (take) => log.push(`got ${take()}`));
  assert.deepEqual(log, ['1:true', '2:true', 'got 1']);
  assert.equal(q.length, 1);
});

test('close: buffered items stay receivable, then recv gets nothing and recvMany an empty batch', () => {
  const q = new MpscQueue<number>('q');
  q.send(1, () => {});
  q.close();
  assert.equal(q.isClosed, true);
  assert.equal(q.trySend(2), 'closed');
  let out: unknown;
  q.send(2, (o) => (out = o));
  assert.deepEqual(out, { ok: false, reason: 'closed' });
  q.recvMany(5, (take) => (out = take()));
  assert.deepEqual(out, [1]);
  q.recvMany(5, (take) => (out = take()));
  assert.deepEqual(out, []);
});

test('close while a receive waits does nothing (kumod only closes when it gets the receiver lock)', () => {
  const q = new MpscQueue<number>('q');
  let take: (() => number[]) | undefined;
  q.recvMany(5, (t) => (take = t));
  q.close();
  assert.equal(q.isClosed, false);
  q.send(7, () => {});
  q.send(8, () => {});
  assert.deepEqual(take!(), [7, 8]);
});

test('a second consumer while one waits is an error; waiting senders fail when closed', () => {
  const q = new MpscQueue<number>('q', 1);
  q.recvMany(1, () => {});
  assert.throws(() => q.tryRecv(), ReceiverBusyError);
  assert.throws(() => q.len(), ReceiverBusyError);
  const q2 = new MpscQueue<number>('q2', 1);
  q2.send(1, () => {});
  let out: unknown;
  q2.send(2, (o) => (out = o));
  q2.close();
  assert.deepEqual(out, { ok: false, reason: 'closed' });
});

test('send with a timeout fails when no room appears in time', async () => {
  const q = new MpscQueue<number>('q', 1);
  q.send(1, () => {});
  const outcome = await new Promise((r) => q.send(2, r, 20));
  assert.deepEqual(outcome, { ok: false, reason: 'timeout' });
  assert.equal(q.length, 1);
});
