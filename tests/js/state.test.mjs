// StateStore as an npm consumer sees it: memory and file backends, migrations, backups and
// recovery, versions, legacy JSON, typed errors, and 4 processes incrementing one counter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateStore } from 'stratlab';

const worker = fileURLToPath(new URL('./state-worker.mjs', import.meta.url));
const tempDir = () => mkdtempSync(join(tmpdir(), 'stratlab-state-'));

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (e) => { assert.equal(e.code, code, e.message); return true; });
}

test('memory: get/set/delete/has/keys, clones, typed arrays, events', async () => {
  const s = await StateStore.open({ backend: 'memory' });
  const seen = [];
  s.on('change', (e) => seen.push(e.keys));
  await s.set('a', { x: 1, list: [1, 2] });
  await s.set('curve', new Float64Array([1.5, NaN, -2]));
  assert.deepEqual(s.get('a'), { x: 1, list: [1, 2] });
  const got = s.get('a');
  got.x = 99; // a copy: the store is not changed behind its back
  assert.equal(s.get('a').x, 1);
  const curve = s.get('curve');
  assert.ok(curve instanceof Float64Array);
  assert.deepEqual([...curve].map(String), ['1.5', 'NaN', '-2']);
  assert.equal(s.has('a'), true);
  assert.deepEqual(s.keys().sort(), ['a', 'curve']);
  assert.equal(await s.delete('a'), true);
  assert.equal(await s.delete('a'), false);
  assert.equal(s.has('a'), false);
  assert.deepEqual(seen, [['a'], ['curve'], ['a']]);
  const usage = s.memoryUsage();
  assert.ok(usage.byKey.curve >= 24, JSON.stringify(usage));
  assert.equal(usage.total, usage.byKey.curve);
  await s.close();
});

test('values that cannot be stored are typed errors and leave the state intact', async () => {
  const s = await StateStore.open({ backend: 'memory', maxBytes: 2000 });
  await s.set('k', { ok: true });
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  await rejectsWith(s.set('k', cyclic), 'INVALID_INPUT');
  await rejectsWith(s.set('k', () => 1), 'INVALID_INPUT');
  await rejectsWith(s.set('k', { f() {} }), 'INVALID_INPUT');
  await rejectsWith(s.set('k', undefined), 'INVALID_INPUT');
  await rejectsWith(s.set('big', 'x'.repeat(5000)), 'RESOURCE_LIMIT');
  assert.deepEqual(s.get('k'), { ok: true });
  assert.equal(s.has('big'), false);
  // A throwing transaction changes nothing, even keys it set before throwing.
  await assert.rejects(s.transaction((tx) => { tx.set('k', 1); tx.set('other', 2); throw new Error('boom'); }), /boom/);
  assert.deepEqual(s.get('k'), { ok: true });
  assert.equal(s.has('other'), false);
});

test('update and transaction are atomic under concurrency', async () => {
  const s = await StateStore.open({ backend: 'memory' });
  await Promise.all(Array.from({ length: 200 }, () => s.update('n', async (n) => { await null; return (n ?? 0) + 1; })));
  assert.equal(s.get('n'), 200);
  await s.transaction((tx) => { tx.set('from', tx.get('n') - 50); tx.set('to', 50); tx.delete('n'); });
  assert.deepEqual([s.get('from'), s.get('to'), s.has('n')], [150, 50, false]);
});

test('cleanupOldData uses per-entry timestamps', async () => {
  let now = 1_000_000_000_000;
  const s = await StateStore.open({ backend: 'memory', now: () => now });
  await s.set('old', 1);
  now += 5 * 3_600_000;
  await s.set('new', 2);
  now += 1 * 3_600_000;
  assert.deepEqual(await s.cleanupOldData(3), ['old']);
  assert.deepEqual(s.keys(), ['new']);
  assert.equal(s.updatedAt('new'), now - 3_600_000);
});

test('snapshot() and fromSnapshot() round trip, compressed too', async () => {
  const s = await StateStore.open({ backend: 'memory', schemaVersion: 2 });
  for (let i = 0; i < 300; i++) await s.set(`row${i}`, { symbol: 'GOOG', qty: i });
  const plain = s.snapshot();
  await s.compress();
  const packed = s.snapshot();
  assert.equal(new TextDecoder().decode(packed.slice(0, 4)), 'SLAB');
  assert.ok(packed.length < plain.length, `${packed.length} vs ${plain.length}`);
  const copy = await StateStore.fromSnapshot(packed, { schemaVersion: 2 });
  assert.equal(copy.version(), 2);
  assert.deepEqual(copy.get('row299'), { symbol: 'GOOG', qty: 299 });
  assert.equal(copy.keys().length, 300);
});

test('migrations run in order, once; a failing one leaves the stored state untouched', async () => {
  const dir = tempDir();
  const path = join(dir, 'state.slab');
  const v1 = await StateStore.open({ backend: 'file', path, schemaVersion: 1 });
  await v1.set('price', 10);
  await v1.close();
  const before = readFileSync(path);

  const calls = [];
  const failing = {
    2: (s) => { calls.push(2); return { ...s, price2: s.price * 2 }; },
    3: () => { calls.push(3); throw new Error('bad migration'); },
  };
  await rejectsWith(StateStore.open({ backend: 'file', path, schemaVersion: 3, migrations: failing }), 'MIGRATION_FAILED');
  assert.deepEqual(readFileSync(path), before);

  calls.length = 0;
  const good = {
    2: (s) => { calls.push(2); return { ...s, price2: s.price * 2 }; },
    3: (s) => { calls.push(3); return { total: s.price + s.price2 }; },
  };
  const v3 = await StateStore.open({ backend: 'file', path, schemaVersion: 3, migrations: good });
  assert.deepEqual(calls, [2, 3]);
  assert.equal(v3.version(), 3);
  assert.deepEqual(v3.keys(), ['total']);
  assert.equal(v3.get('total'), 30);
  await v3.close();
  const again = await StateStore.open({ backend: 'file', path, schemaVersion: 3, migrations: good });
  assert.deepEqual(calls, [2, 3], 'migrations ran again');
  assert.equal(again.get('total'), 30);
  rmSync(dir, { recursive: true });
});

test('file: backups are kept and a truncated or bit-flipped latest recovers the newest valid one', async () => {
  for (const damage of ['truncate', 'flip']) {
    const dir = tempDir();
    const path = join(dir, 'state.slab');
    const s = await StateStore.open({ backend: 'file', path, backups: 3 });
    for (let i = 1; i <= 5; i++) await s.set('n', i);
    await s.close();
    assert.ok(existsSync(`${path}.1`) && existsSync(`${path}.3`) && !existsSync(`${path}.4`));
    const bytes = readFileSync(path);
    if (damage === 'truncate') writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    else { bytes[bytes.length - 2] ^= 0x10; writeFileSync(path, bytes); }
    const damaged = readFileSync(path);

    const r = await StateStore.open({ backend: 'file', path, backups: 3 });
    assert.equal(r.get('n'), 4, 'the newest backup holds the previous write');
    assert.equal(r.recovery.used, `${path}.1`);
    assert.equal(r.recovery.found[0].code, 'STATE_CORRUPT');
    assert.deepEqual(readFileSync(r.recovery.keptAt), damaged, 'the damaged file is kept aside');
    await r.set('n', 6);
    await r.close();
    const reopened = await StateStore.open({ backend: 'file', path });
    assert.equal(reopened.get('n'), 6);
    assert.equal(reopened.recovery, null);
    rmSync(dir, { recursive: true });
  }
});

test('file: damaged latest and backups is STATE_CORRUPT and touches nothing', async () => {
  const dir = tempDir();
  const path = join(dir, 'state.slab');
  writeFileSync(path, Buffer.from('SLAB\x01\x00garbage'));
  writeFileSync(`${path}.1`, Buffer.alloc(0));
  await rejectsWith(StateStore.open({ backend: 'file', path }), 'STATE_CORRUPT');
  assert.deepEqual(readdirSync(dir).sort(), ['state.slab', 'state.slab.1']);
  rmSync(dir, { recursive: true });
});

test('file: a future format or schema version is refused and the file never modified', async () => {
  const dir = tempDir();
  const path = join(dir, 'state.slab');
  const s = await StateStore.open({ backend: 'file', path, schemaVersion: 5 });
  await s.set('x', 1);
  await s.close();
  await rejectsWith(StateStore.open({ backend: 'file', path, schemaVersion: 4 }), 'VERSION_UNSUPPORTED');
  const bytes = readFileSync(path);
  bytes[4] = 9; // format version 9
  writeFileSync(path, bytes);
  await rejectsWith(StateStore.open({ backend: 'file', path, schemaVersion: 5 }), 'VERSION_UNSUPPORTED');
  assert.deepEqual(readFileSync(path), bytes);
  rmSync(dir, { recursive: true });
});

test('file: legacy JSON is read, then rewritten in the SLAB format (legacy kept as backup)', async () => {
  const dir = tempDir();
  const path = join(dir, 'state.json');
  const legacy = JSON.stringify({ positions: { GOOG: 10 }, cash: 1000.5 });
  writeFileSync(path, legacy);
  const s = await StateStore.open({ backend: 'file', path, schemaVersion: 2, migrations: { 2: (st) => ({ ...st, migrated: true }) } });
  assert.deepEqual(s.get('positions'), { GOOG: 10 });
  assert.equal(s.get('cash'), 1000.5);
  assert.equal(s.get('migrated'), true);
  await s.close();
  assert.equal(readFileSync(path).subarray(0, 4).toString(), 'SLAB');
  assert.equal(readFileSync(`${path}.1`, 'utf8'), legacy);
  rmSync(dir, { recursive: true });
});

test('file: a crash between write and rename loses nothing acknowledged', async () => {
  const dir = tempDir();
  const path = join(dir, 'state.slab');
  const s = await StateStore.open({ backend: 'file', path });
  await s.set('saved', 'yes');
  await s.close();
  // A temp file left half-written by a crashed writer is ignored.
  writeFileSync(`${path}.tmp-99999-abc`, Buffer.from('SLAB\x01\x00partial'));
  const r = await StateStore.open({ backend: 'file', path });
  assert.equal(r.get('saved'), 'yes');
  assert.equal(r.recovery, null);
  rmSync(dir, { recursive: true });
});

function run(args) {
  const child = fork(worker, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
  });
}

test('file: 4 processes x 250 updates end at exactly 1000', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const path = join(dir, 'counter.slab');
  await Promise.all([1, 2, 3, 4].map(() => run(['increment', path, '250'])));
  const s = await StateStore.open({ backend: 'file', path });
  assert.equal(s.get('counter'), 1000);
  assert.ok(!existsSync(`${path}.lock`));
  rmSync(dir, { recursive: true });
});

test('file: the lock of a killed process is broken', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const path = join(dir, 'held.slab');
  const s = await StateStore.open({ backend: 'file', path });
  await s.set('counter', 1);
  const child = fork(worker, ['hold', path], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve) => child.on('message', (m) => m.locked && resolve()));
  assert.ok(existsSync(`${path}.lock`));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  assert.ok(existsSync(`${path}.lock`), 'the killed process left its lock behind');
  const t0 = Date.now();
  assert.equal(await s.update('counter', (c) => c + 1), 2);
  assert.ok(Date.now() - t0 < 5000);
  assert.ok(!existsSync(`${path}.lock`));
  rmSync(dir, { recursive: true });
});

test('file: a live lock is waited for, and a lock older than staleLockMs is broken', async () => {
  const dir = tempDir();
  const path = join(dir, 'old.slab');
  // A lock claimed by this (live) process long ago: stale by age.
  writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.pid, host: 'elsewhere', time: Date.now() - 60_000 }));
  const s = await StateStore.open({ backend: 'file', path, staleLockMs: 10_000, lockTimeoutMs: 500 });
  await s.set('a', 1);
  // A fresh lock from a live process: TIMEOUT, nothing written.
  writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.pid, host: 'elsewhere', time: Date.now() }));
  await rejectsWith(s.set('a', 2), 'TIMEOUT');
  assert.equal(s.get('a'), 1);
  rmSync(dir, { recursive: true });
});
