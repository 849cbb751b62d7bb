// The versioned state store (issue 15; docs/state.md once it lands). Values are structured
// data: JSON-like values and typed arrays (which stay binary in snapshots).
export type StateValue =
  | string | number | boolean | null
  | Float64Array | Float32Array | Int32Array | Uint32Array | Int8Array | Uint8Array
  | StateValue[] | { [key: string]: StateValue };
export type StateRecord = Record<string, StateValue>;

export interface StateStoreOptions {
  backend?: 'indexeddb' | 'file' | 'memory';
  /** IndexedDB database name (browser). */
  name?: string;
  /** File path (Node, Deno). */
  path?: string;
  schemaVersion?: number;
  /** version → migration of the whole state (key → value), run once, in order. */
  migrations?: Record<number, (state: StateRecord) => StateRecord | PromiseLike<StateRecord>>;
  backups?: number;
  compress?: boolean;
  maxBytes?: number;
}
export interface StateRecovery { recovered: boolean; found?: string; used?: string; reason?: string }
export interface MemoryUsage { total: number; byKey: Record<string, number> }

export class StateStore {
  private constructor();
  static open(options?: StateStoreOptions): Promise<StateStore>;
  static fromSnapshot(bytes: Uint8Array, options?: StateStoreOptions): Promise<StateStore>;
  /** What was found and used when the latest snapshot could not be read. */
  readonly recovery: StateRecovery | null;
  get<T extends StateValue = StateValue>(key: string): Promise<T | undefined>;
  set(key: string, value: StateValue): Promise<void>;
  delete(key: string): Promise<boolean>;
  has(key: string): Promise<boolean>;
  keys(): Promise<string[]>;
  /** Atomic read-modify-write of one key. */
  update<T extends StateValue = StateValue>(key: string, fn: (value: T | undefined) => T | PromiseLike<T>): Promise<T>;
  /** Several keys atomically. */
  transaction<R>(fn: (tx: Pick<StateStore, 'get' | 'set' | 'delete' | 'has' | 'keys'>) => R | PromiseLike<R>): Promise<R>;
  version(): number | Promise<number>;
  memoryUsage(): MemoryUsage | Promise<MemoryUsage>;
  compress(): Promise<void>;
  cleanupOldData(maxAgeHours: number): Promise<number>;
  save(): Promise<void>;
  close(): Promise<void>;
  snapshot(): Promise<Uint8Array>;
}

export interface EncodeSnapshotOptions {
  schemaVersion?: number;
  /** LZ4-compress the payload. */
  compress?: boolean;
  /** Per-key last-update times (ms since the epoch). */
  timestamps?: Record<string, number>;
}
export interface DecodedSnapshot {
  state: StateRecord;
  timestamps: Record<string, number>;
  schemaVersion: number;
  formatVersion: number;
  /** The input was a legacy JSON state (no SLAB header). */
  legacy: boolean;
  compressed: boolean;
}
/** The SLAB snapshot bytes of `state` (docs/state.md). */
export declare function encodeSnapshot(state: StateRecord, options?: EncodeSnapshotOptions): Uint8Array;
/** Reads SLAB bytes (or a legacy JSON state); STATE_CORRUPT / VERSION_UNSUPPORTED otherwise. */
export declare function decodeSnapshot(bytes: Uint8Array): DecodedSnapshot;
