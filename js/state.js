// StateStore: a versioned key → value store over the SLAB snapshot format (src/state/format.rs).
// Backends: 'memory', 'file' (Node/Deno: temp file + fsync + rename, backups, a lock file
// around every read-modify-write) and 'indexeddb' (one transaction per write, Web Locks,
// BroadcastChannel notices). docs/state.md describes the rules; this file implements them.
//
// Every mutation runs the same way: take the backend's lock, re-read the latest stored state,
// apply the change to an overlay, encode (which validates: functions, cycles, sizes), write,
// and only then make it visible. A failure at any step leaves the previous state intact.
import { encodeSnapshot, decodeSnapshot } from './api.js';

const ERROR_NAMES = {
  INVALID_INPUT: 'InvalidInputError',
  INVALID_PARAMETER: 'InvalidParameterError',
  RESOURCE_LIMIT: 'ResourceLimitError',
  STATE_CORRUPT: 'StateCorruptError',
  VERSION_UNSUPPORTED: 'VersionUnsupportedError',
  MIGRATION_FAILED: 'MigrationFailedError',
  TIMEOUT: 'TimeoutError',
  CLOSED: 'ClosedError',
};

function stateError(code, message, details = {}, cause) {
  const err = new Error(message, cause === undefined ? undefined : { cause });
  err.name = ERROR_NAMES[code] ?? 'StateError';
  err.code = code;
  err.details = details;
  return err;
}

const DELETED = Symbol('deleted');
/** Default age after which a lock file is stale even if its pid looks alive (ms). */
export const STALE_LOCK_MS = 30_000;
/** Default time to wait for a lock before TIMEOUT (ms). */
export const LOCK_TIMEOUT_MS = 20_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** In-process mutual exclusion: a promise chain. */
class Mutex {
  #tail = Promise.resolve();
  run(fn) {
    const result = this.#tail.then(fn);
    this.#tail = result.then(() => {}, () => {});
    return result;
  }
}

let emptySnapshotLength = null;
/** Encoded size of one entry: its one-entry snapshot minus an empty snapshot. */
function canonical(key, value) {
  const one = Object.create(null);
  one[key] = value;
  const bytes = encodeSnapshot(one, {});
  emptySnapshotLength ??= encodeSnapshot(Object.create(null), {}).length;
  return { value: decodeSnapshot(bytes).state[key], size: bytes.length - emptySnapshotLength };
}

function clone(value) {
  return value === null || typeof value !== 'object' ? value : structuredClone(value);
}

// ---------------------------------------------------------------------------------------------
// Backends: load() → {bytes, recovery?} | null, write(bytes), withLock(fn), close().

class MemoryBackend {
  #mutex = new Mutex();
  bytes = null;
  constructor(initial) { this.bytes = initial ?? null; }
  async load() { return this.bytes === null ? null : { bytes: this.bytes }; }
  async changed() { return false; }
  async write(bytes) { this.bytes = bytes; }
  withLock(fn) { return this.#mutex.run(fn); }
  async close() {}
}

class FileBackend {
  #mutex = new Mutex();
  #fs; #path; #os;
  constructor(fs, pathMod, os, file, { backups, staleLockMs, lockTimeoutMs }) {
    this.#fs = fs; this.#path = pathMod; this.#os = os;
    this.file = pathMod.resolve(file);
    this.backups = backups;
    this.staleLockMs = staleLockMs;
    this.lockTimeoutMs = lockTimeoutMs;
    this.lockFile = `${this.file}.lock`;
  }

  static async create(file, options) {
    const [fs, pathMod, os] = await Promise.all([import('node:fs/promises'), import('node:path'), import('node:os')]);
    return new FileBackend(fs, pathMod, os, file, options);
  }

  async #signature() {
    try {
      const s = await this.#fs.stat(this.file, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch (e) {
      if (e.code === 'ENOENT') return null;
      throw e;
    }
  }

  /**
   * Whether to re-read before a write. Always: an inode/size/mtime signature can repeat (inode
   * reuse, coarse mtimes), and a lost update is worse than one extra read under the lock.
   */
  async changed() { return true; }

  async #read(file) {
    try {
      return await this.#fs.readFile(file);
    } catch (e) {
      if (e.code === 'ENOENT') return null;
      throw e;
    }
  }

  /**
   * The latest snapshot, or the newest valid backup when the latest is corrupt (the damaged
   * file is renamed aside to `<path>.corrupt-<ms>` and the recovered bytes written back).
   * A newer format version is never touched: VERSION_UNSUPPORTED propagates.
   */
  async load() {
    const bytes = await this.#read(this.file);
    const tried = [];
    if (bytes !== null) {
      try {
        const decoded = decodeSnapshot(bytes);
        return { bytes, decoded };
      } catch (e) {
        if (e.code !== 'STATE_CORRUPT') throw e;
        tried.push({ path: this.file, code: e.code, message: e.message });
      }
    }
    for (let i = 1; i <= Math.max(this.backups, 1); i++) {
      const path = `${this.file}.${i}`;
      const backup = await this.#read(path);
      if (backup === null) continue;
      let decoded;
      try {
        decoded = decodeSnapshot(backup);
      } catch (e) {
        if (e.code === 'VERSION_UNSUPPORTED') throw e;
        tried.push({ path, code: e.code, message: e.message });
        continue;
      }
      let keptAt = null;
      if (bytes !== null) {
        keptAt = `${this.file}.corrupt-${Date.now()}`;
        await this.#fs.rename(this.file, keptAt);
      }
      await this.#atomicWrite(this.file, backup);
      const recovery = { found: tried, used: path, keptAt, at: new Date().toISOString() };
      return { bytes: backup, decoded, recovery };
    }
    if (bytes === null) return null;
    throw stateError('STATE_CORRUPT', `${this.file} is damaged and no valid backup was found (${tried.map((t) => `${t.path}: ${t.message}`).join('; ')}); the files were left untouched`, { path: this.file, tried });
  }

  async #atomicWrite(target, bytes) {
    const tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const handle = await this.#fs.open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.#fs.rename(tmp, target);
    await this.#syncDir();
  }

  async #syncDir() {
    let dir;
    try {
      dir = await this.#fs.open(this.#path.dirname(this.file), 'r');
      await dir.sync();
    } catch { /* some platforms cannot fsync a directory; the rename is still atomic */ } finally {
      await dir?.close();
    }
  }

  /** Rotate backups (path.N-1 → path.N, ..., hard-link path → path.1), then replace path. */
  async write(bytes) {
    if (this.backups > 0 && (await this.#signature()) !== null) {
      for (let i = this.backups - 1; i >= 1; i--) {
        try { await this.#fs.rename(`${this.file}.${i}`, `${this.file}.${i + 1}`); } catch (e) { if (e.code !== 'ENOENT') throw e; }
      }
      // A hard link keeps `path` present at every instant; copy where links are unsupported.
      try { await this.#fs.link(this.file, `${this.file}.1`); } catch { await this.#fs.copyFile(this.file, `${this.file}.1`); }
    }
    await this.#atomicWrite(this.file, bytes);
  }

  withLock(fn) {
    return this.#mutex.run(async () => {
      const mine = await this.#acquire();
      try {
        return await fn();
      } finally {
        // Only remove the lock if it is still ours (it may have been broken as stale).
        const current = await this.#fs.readFile(this.lockFile, 'utf8').catch(() => null);
        if (current === mine) await this.#fs.unlink(this.lockFile).catch(() => {});
      }
    });
  }

  async #acquire() {
    const me = JSON.stringify({ pid: process.pid, host: this.#os.hostname(), time: Date.now(), nonce: Math.random().toString(36).slice(2) });
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await this.#fs.open(this.lockFile, 'wx');
        try { await handle.writeFile(me); } finally { await handle.close(); }
        return me;
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
      }
      await this.#breakIfStale();
      if (Date.now() > deadline) {
        throw stateError('TIMEOUT', `could not lock ${this.file} within ${this.lockTimeoutMs} ms (held in ${this.lockFile}); retry later or remove the lock if its process is gone`, { path: this.lockFile, limit: this.lockTimeoutMs });
      }
      await sleep(Math.min(50, 1 + attempt) * Math.random() + 1);
    }
  }

  #isStale(text) {
    let info;
    try { info = JSON.parse(text); } catch { info = null; }
    // An unreadable lock is judged by its age alone (the writer may be mid-write).
    if (info === null || typeof info.time !== 'number') return null;
    if (Date.now() - info.time > this.staleLockMs) return true;
    if (info.host === this.#os.hostname() && Number.isInteger(info.pid)) {
      try { process.kill(info.pid, 0); } catch (e) { if (e.code === 'ESRCH') return true; }
    }
    return false;
  }

  /**
   * Breaks a stale lock: rename it to a unique name (only one breaker can win the rename),
   * then check the file we took is still the stale one; if a live holder replaced it in
   * between, put it back.
   */
  async #breakIfStale() {
    let text;
    let mtime;
    try {
      text = await this.#fs.readFile(this.lockFile, 'utf8');
      mtime = (await this.#fs.stat(this.lockFile)).mtimeMs;
    } catch { return; }
    let stale = this.#isStale(text);
    if (stale === null) stale = Date.now() - mtime > this.staleLockMs;
    if (!stale) return;
    const aside = `${this.lockFile}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try { await this.#fs.rename(this.lockFile, aside); } catch { return; }
    const taken = await this.#fs.readFile(aside, 'utf8').catch(() => '');
    if (taken !== text) {
      await this.#fs.link(aside, this.lockFile).catch(() => {});
    }
    await this.#fs.unlink(aside).catch(() => {});
  }

  async close() {}
}

class IndexedDbBackend {
  #db = null;
  #channel = null;
  constructor(name, backups, onRemote) {
    this.name = name;
    this.backups = backups;
    this.onRemote = onRemote;
  }

  static async create(name, backups, onRemote) {
    if (typeof indexedDB === 'undefined') {
      throw stateError('INVALID_PARAMETER', "backend 'indexeddb' needs IndexedDB (a browser or worker); use 'file' on Node/Deno or 'memory'", { field: 'backend' });
    }
    const b = new IndexedDbBackend(name, backups, onRemote);
    b.#db = await new Promise((resolve, reject) => {
      const req = indexedDB.open(`stratlab-state:${name}`, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('snapshots');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    // A newer tab upgrading the database: close cleanly instead of blocking it.
    b.#db.onversionchange = () => { b.#db.close(); b.#db = null; };
    if (typeof BroadcastChannel === 'function') {
      b.#channel = new BroadcastChannel(`stratlab-state:${name}`);
      b.#channel.onmessage = (ev) => onRemote(ev.data);
    }
    return b;
  }

  #tx(mode, fn) {
    if (this.#db === null) return Promise.reject(stateError('CLOSED', `the IndexedDB connection for '${this.name}' was closed (a newer version was opened in another tab); reopen the store`));
    return new Promise((resolve, reject) => {
      const tx = this.#db.transaction('snapshots', mode);
      const store = tx.objectStore('snapshots');
      let result;
      fn(store, (r) => { result = r; });
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(this.#quota(tx.error));
      tx.onabort = () => reject(this.#quota(tx.error));
    });
  }

  #quota(error) {
    if (error?.name !== 'QuotaExceededError') return error;
    const err = stateError('RESOURCE_LIMIT', `IndexedDB quota exceeded while saving '${this.name}'; free space or store less`, { field: 'indexeddb' }, error);
    globalThis.navigator?.storage?.estimate?.().then((e) => { err.details.estimate = e; }, () => {});
    return err;
  }

  async changed() { return true; }

  async load() {
    const records = await this.#tx('readonly', (store, done) => {
      const out = [];
      const keys = ['latest', ...Array.from({ length: this.backups }, (_, i) => `backup.${i + 1}`)];
      keys.forEach((k, i) => { store.get(k).onsuccess = (ev) => { out[i] = ev.target.result; if (i === keys.length - 1) done(out); }; });
    });
    const tried = [];
    for (let i = 0; i < records.length; i++) {
      const bytes = records[i];
      if (bytes === undefined) continue;
      try {
        const decoded = decodeSnapshot(new Uint8Array(bytes));
        if (i === 0) return { bytes, decoded };
        await this.#tx('readwrite', (store) => { store.put(records[0], `corrupt-${Date.now()}`); store.put(bytes, 'latest'); });
        return { bytes, decoded, recovery: { found: tried, used: `backup.${i}`, keptAt: 'corrupt-*', at: new Date().toISOString() } };
      } catch (e) {
        if (e.code === 'VERSION_UNSUPPORTED') throw e;
        tried.push({ path: i === 0 ? 'latest' : `backup.${i}`, code: e.code, message: e.message });
      }
    }
    if (tried.length > 0) throw stateError('STATE_CORRUPT', `IndexedDB state '${this.name}' is damaged and no valid backup was found`, { tried });
    return null;
  }

  /** One readwrite transaction: rotate backups and put the new latest, all or nothing. */
  async write(bytes, keys) {
    await this.#tx('readwrite', (store) => {
      const shift = (i) => {
        if (i < 1) { store.put(bytes, 'latest'); return; }
        const from = i === 1 ? 'latest' : `backup.${i - 1}`;
        store.get(from).onsuccess = (ev) => {
          if (ev.target.result !== undefined) store.put(ev.target.result, `backup.${i}`);
          shift(i - 1);
        };
      };
      shift(this.backups);
    });
    this.#channel?.postMessage({ type: 'change', keys });
  }

  withLock(fn) {
    if (globalThis.navigator?.locks?.request) {
      return navigator.locks.request(`stratlab-state:${this.name}`, { mode: 'exclusive' }, fn);
    }
    throw stateError('INVALID_PARAMETER', 'Web Locks (navigator.locks) are not available here; cross-tab safety cannot be guaranteed', { field: 'backend' });
  }

  async close() {
    this.#channel?.close();
    this.#db?.close();
    this.#db = null;
  }
}

// ---------------------------------------------------------------------------------------------

/** A key → value store; create it with `await StateStore.open(options)`. */
export class StateStore {
  #backend;
  #data = new Map(); // key → canonical value
  #times = new Map(); // key → last write (ms)
  #sizes = new Map(); // key → encoded bytes
  #schemaVersion;
  #options;
  #listeners = new Map();
  #closed = false;
  /** Set when opening had to use a backup: `{found, used, keptAt, at}`. */
  recovery = null;

  constructor(backend, options) {
    this.#backend = backend;
    this.#options = options;
    this.#schemaVersion = options.schemaVersion;
  }

  /**
   * @param {{backend?: 'memory'|'file'|'indexeddb', name?: string, path?: string,
   *   schemaVersion?: number, migrations?: Record<number, (state: object) => object>,
   *   backups?: number, compress?: boolean, maxBytes?: number, now?: () => number,
   *   staleLockMs?: number, lockTimeoutMs?: number}} options
   */
  static async open(options = {}) {
    const opts = normalize(options);
    let backend;
    let store;
    if (opts.backend === 'memory') backend = new MemoryBackend(opts.initialBytes);
    else if (opts.backend === 'file') backend = await FileBackend.create(opts.path, opts);
    else backend = await IndexedDbBackend.create(opts.name, opts.backups, (msg) => store?.#remote(msg));
    store = new StateStore(backend, opts);
    await backend.withLock(() => store.#openLocked());
    return store;
  }

  /** A memory store holding the state of `bytes` (a snapshot from `snapshot()`). */
  static fromSnapshot(bytes, options = {}) {
    return StateStore.open({ ...options, backend: 'memory', initialBytes: bytes });
  }

  async #openLocked() {
    const loaded = await this.#backend.load();
    const target = this.#options.schemaVersion;
    if (loaded === null) {
      this.#schemaVersion = target;
      return;
    }
    this.recovery = loaded.recovery ?? null;
    const decoded = loaded.decoded ?? decodeSnapshot(loaded.bytes);
    if (decoded.schemaVersion > target) {
      throw stateError('VERSION_UNSUPPORTED', `stored state has schema version ${decoded.schemaVersion}, newer than this code's ${target}; upgrade the application (the stored state was not modified)`, { expected: target, got: decoded.schemaVersion });
    }
    let state = decoded.state;
    let migrated = false;
    for (let v = decoded.schemaVersion + 1; v <= target; v++) {
      const migrate = this.#options.migrations[v];
      if (migrate === undefined) continue;
      try {
        state = await migrate(state);
      } catch (e) {
        throw stateError('MIGRATION_FAILED', `migration to schema version ${v} failed: ${e?.message ?? e}; the stored state was not modified`, { from: decoded.schemaVersion, to: target, failedAt: v }, e);
      }
      if (state === null || typeof state !== 'object' || Array.isArray(state)) {
        throw stateError('MIGRATION_FAILED', `migration to schema version ${v} must return the whole state as a plain object`, { from: decoded.schemaVersion, to: target, failedAt: v });
      }
      migrated = true;
    }
    const data = new Map();
    const sizes = new Map();
    for (const key of Object.keys(state)) {
      const c = canonical(key, state[key]);
      data.set(key, c.value);
      sizes.set(key, c.size);
    }
    this.#data = data;
    this.#sizes = sizes;
    this.#times = new Map(Object.entries(decoded.timestamps ?? {}));
    this.#schemaVersion = target;
    // Migrations run once and legacy JSON is rewritten: persist the new format now.
    if (migrated || decoded.legacy || decoded.schemaVersion !== target) await this.#backend.write(this.#encode());
  }

  #now() { return this.#options.now(); }

  #encode() {
    const state = Object.create(null);
    const timestamps = Object.create(null);
    for (const [k, v] of this.#data) state[k] = v;
    for (const [k, t] of this.#times) timestamps[k] = t;
    return encodeSnapshot(state, { schemaVersion: this.#schemaVersion, compress: this.#options.compress, timestamps });
  }

  /** Re-reads the stored state when another process/tab changed it (called under the lock). */
  async #refresh() {
    if (!(await this.#backend.changed())) return;
    const loaded = await this.#backend.load();
    if (loaded === null) return;
    if (loaded.recovery) this.recovery = loaded.recovery;
    const decoded = loaded.decoded ?? decodeSnapshot(loaded.bytes);
    if (decoded.schemaVersion !== this.#schemaVersion) {
      throw stateError('VERSION_UNSUPPORTED', `the stored state was changed to schema version ${decoded.schemaVersion} by another process; reopen the store`, { expected: this.#schemaVersion, got: decoded.schemaVersion });
    }
    const data = new Map();
    const sizes = new Map();
    for (const key of Object.keys(decoded.state)) {
      data.set(key, decoded.state[key]);
      sizes.set(key, canonical(key, decoded.state[key]).size);
    }
    this.#data = data;
    this.#sizes = sizes;
    this.#times = new Map(Object.entries(decoded.timestamps ?? {}));
  }

  /**
   * The one write path. `fn(tx)` stages changes on an overlay; they become visible only after
   * the new snapshot is written. Returns fn's result.
   */
  #mutate(fn) {
    if (this.#closed) return Promise.reject(stateError('CLOSED', 'the store is closed'));
    return this.#backend.withLock(async () => {
      await this.#refresh();
      const overlay = new Map(); // key → {value, size} | DELETED
      const tx = this.#txView(overlay);
      const result = await fn(tx);
      if (overlay.size === 0 && !tx.force) return result;
      const oldData = this.#data, oldTimes = this.#times, oldSizes = this.#sizes;
      const data = new Map(oldData), times = new Map(oldTimes), sizes = new Map(oldSizes);
      const now = this.#now();
      for (const [key, change] of overlay) {
        if (change === DELETED) { data.delete(key); times.delete(key); sizes.delete(key); }
        else { data.set(key, change.value); times.set(key, change.time ?? now); sizes.set(key, change.size); }
      }
      const total = sum(sizes);
      if (this.#options.maxBytes !== undefined && total > this.#options.maxBytes) {
        throw stateError('RESOURCE_LIMIT', `the state would take ${total} bytes, over maxBytes ${this.#options.maxBytes}; delete or clean up old entries first (nothing was changed)`, { limit: this.#options.maxBytes, got: total });
      }
      this.#data = data; this.#times = times; this.#sizes = sizes;
      try {
        if (!(this.#backend instanceof MemoryBackend) || tx.force) await this.#backend.write(this.#encode(), [...overlay.keys()]);
      } catch (e) {
        this.#data = oldData; this.#times = oldTimes; this.#sizes = oldSizes;
        throw e;
      }
      if (overlay.size > 0) this.#emit('change', { keys: [...overlay.keys()], source: 'local' });
      return result;
    });
  }

  #txView(overlay) {
    const read = (key) => {
      const c = overlay.get(key);
      if (c === DELETED) return undefined;
      return c !== undefined ? c.value : this.#data.get(key);
    };
    const tx = {
      force: false,
      get: (key) => clone(read(checkKey(key))),
      has: (key) => read(checkKey(key)) !== undefined,
      keys: () => {
        const all = new Set(this.#data.keys());
        for (const [k, c] of overlay) { if (c === DELETED) all.delete(k); else all.add(k); }
        return [...all];
      },
      set: (key, value) => {
        checkKey(key);
        if (value === undefined) throw stateError('INVALID_INPUT', `value for '${key}' is undefined; use delete() to remove a key`, { field: key });
        let c;
        try { c = canonical(key, value); } catch (e) {
          throw stateError(e.code ?? 'INVALID_INPUT', `value for '${key}' cannot be stored: ${e.message}`, { ...(e.details ?? {}), key }, e);
        }
        overlay.set(key, c);
      },
      delete: (key) => {
        const existed = read(checkKey(key)) !== undefined;
        if (existed) overlay.set(key, DELETED);
        return existed;
      },
    };
    return tx;
  }

  // --- reads: the state as of the last write seen by this store -------------------------------
  get(key) { return clone(this.#data.get(checkKey(key))); }
  has(key) { return this.#data.has(checkKey(key)); }
  keys() { return [...this.#data.keys()]; }
  /** The schema version of the stored state. */
  version() { return this.#schemaVersion; }
  /** Encoded bytes per key and in total (what `maxBytes` limits). */
  memoryUsage() {
    const byKey = Object.fromEntries(this.#sizes);
    return { total: sum(this.#sizes), byKey, entries: this.#sizes.size, limit: this.#options.maxBytes ?? null };
  }
  /** Last write time of `key` (ms since the epoch), or undefined. */
  updatedAt(key) { return this.#times.get(checkKey(key)); }

  // --- writes ---------------------------------------------------------------------------------
  set(key, value) { return this.#mutate((tx) => { tx.set(key, value); }); }
  delete(key) { return this.#mutate((tx) => tx.delete(key)); }
  /** Atomic read-modify-write: `fn(current)` returns the new value (undefined deletes the key). */
  update(key, fn) {
    return this.#mutate(async (tx) => {
      const next = await fn(tx.get(key));
      if (next === undefined) tx.delete(key);
      else tx.set(key, next);
      return clone(next);
    });
  }
  /** Several keys atomically: `fn(tx)` with tx.get/set/delete/has/keys; all or nothing. */
  transaction(fn) { return this.#mutate((tx) => fn(tx)); }
  /** Deletes entries last written more than `maxAgeHours` ago; returns the deleted keys. */
  cleanupOldData(maxAgeHours) {
    if (!(typeof maxAgeHours === 'number' && maxAgeHours >= 0)) {
      return Promise.reject(stateError('INVALID_PARAMETER', 'maxAgeHours must be a number >= 0', { field: 'maxAgeHours' }));
    }
    const cutoff = this.#now() - maxAgeHours * 3_600_000;
    return this.#mutate((tx) => {
      const removed = [];
      for (const key of tx.keys()) {
        const t = this.#times.get(key);
        if (t !== undefined && t < cutoff) { tx.delete(key); removed.push(key); }
      }
      return removed;
    });
  }
  /** Turns compression on for this and later writes and rewrites the snapshot compressed. */
  async compress() {
    this.#options.compress = true;
    return this.save();
  }
  /** Writes the current state to the backend now (memory: keeps the bytes for snapshot()). */
  save() { return this.#mutate((tx) => { tx.force = true; }); }
  /** The state as SLAB snapshot bytes. */
  snapshot() { return this.#encode(); }
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await this.#backend.close();
  }

  // --- change events: on('change', ({keys, source}) => ...) -----------------------------------
  on(type, fn) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(fn);
    return this;
  }
  off(type, fn) { this.#listeners.get(type)?.delete(fn); return this; }
  #emit(type, event) {
    for (const fn of this.#listeners.get(type) ?? []) {
      try { fn(event); } catch (e) { queueMicrotask(() => { throw e; }); }
    }
  }
  /** A notice from another tab: reload under the lock, then tell our listeners. */
  #remote(msg) {
    if (this.#closed || msg?.type !== 'change') return;
    this.#backend.withLock(() => this.#refresh()).then(
      () => this.#emit('change', { keys: msg.keys ?? [], source: 'remote' }),
      () => {},
    );
  }
}

function sum(sizes) {
  let total = 0;
  for (const s of sizes.values()) total += s;
  return total;
}

function checkKey(key) {
  if (typeof key !== 'string') throw stateError('INVALID_INPUT', `keys are strings, got ${typeof key}`, { field: 'key' });
  return key;
}

function normalize(o) {
  if (o === null || typeof o !== 'object') throw stateError('INVALID_PARAMETER', 'StateStore.open expects an options object', { field: 'options' });
  const backend = o.backend ?? 'memory';
  if (!['memory', 'file', 'indexeddb'].includes(backend)) {
    throw stateError('INVALID_PARAMETER', `backend must be 'memory', 'file' or 'indexeddb', got ${String(backend)}`, { field: 'backend' });
  }
  if (backend === 'file' && typeof o.path !== 'string') throw stateError('INVALID_PARAMETER', "backend 'file' needs a path", { field: 'path' });
  if (backend === 'indexeddb' && typeof o.name !== 'string') throw stateError('INVALID_PARAMETER', "backend 'indexeddb' needs a name", { field: 'name' });
  const schemaVersion = o.schemaVersion ?? 1;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > 0xffffffff) {
    throw stateError('INVALID_PARAMETER', 'schemaVersion must be an integer >= 1', { field: 'schemaVersion' });
  }
  const migrations = o.migrations ?? {};
  for (const [k, fn] of Object.entries(migrations)) {
    if (!/^\d+$/.test(k) || typeof fn !== 'function') throw stateError('INVALID_PARAMETER', `migrations.${k} must be a function keyed by the schema version it produces`, { field: `migrations.${k}` });
  }
  const backups = o.backups ?? 3;
  if (!Number.isInteger(backups) || backups < 0 || backups > 100) throw stateError('INVALID_PARAMETER', 'backups must be an integer from 0 to 100', { field: 'backups' });
  if (o.maxBytes !== undefined && !(typeof o.maxBytes === 'number' && o.maxBytes > 0)) throw stateError('INVALID_PARAMETER', 'maxBytes must be a positive number', { field: 'maxBytes' });
  return {
    backend, path: o.path, name: o.name, schemaVersion, migrations, backups,
    compress: o.compress === true, maxBytes: o.maxBytes, now: o.now ?? Date.now,
    staleLockMs: o.staleLockMs ?? STALE_LOCK_MS, lockTimeoutMs: o.lockTimeoutMs ?? LOCK_TIMEOUT_MS,
    initialBytes: o.initialBytes,
  };
}
