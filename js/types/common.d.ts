// Shapes shared by every part of the stratlab API (hand-written; see docs/types.md).

/** The stable error codes (`err.code`); each has a matching `err.name` (INVALID_INPUT → InvalidInputError). */
export type ErrorCode =
  | 'INVALID_INPUT' | 'INVALID_PARAMETER' | 'INVALID_STRATEGY' | 'INVALID_RULE'
  | 'QUEUE_FULL' | 'TIMEOUT' | 'CANCELLED' | 'RESOURCE_LIMIT'
  | 'STATE_CORRUPT' | 'VERSION_UNSUPPORTED' | 'TASK_FAILED' | 'RESULT_EVICTED' | 'INTERNAL';

/** `err.name` for each code. */
export interface ErrorNameOf {
  INVALID_INPUT: 'InvalidInputError'; INVALID_PARAMETER: 'InvalidParameterError';
  INVALID_STRATEGY: 'InvalidStrategyError'; INVALID_RULE: 'InvalidRuleError';
  QUEUE_FULL: 'QueueFullError'; TIMEOUT: 'TimeoutError'; CANCELLED: 'CancelledError';
  RESOURCE_LIMIT: 'ResourceLimitError'; STATE_CORRUPT: 'StateCorruptError';
  VERSION_UNSUPPORTED: 'VersionUnsupportedError'; TASK_FAILED: 'TaskFailedError';
  RESULT_EVICTED: 'ResultEvictedError'; INTERNAL: 'InternalError';
}

/** A JSON-like value, as found in error details and free-form metadata. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What went wrong, where: `parameter`, `field`, `input`, `path`, `limit`, `row`, `symbol`, ... */
export interface ErrorDetails {
  parameter?: string; field?: string; input?: string; path?: string; function?: string;
  value?: JsonValue; limit?: number; row?: number; symbol?: string; reason?: string;
  known?: string[]; allowed?: string[]; required?: string[];
  /** Partial results of a cancelled or timed-out optimization. */
  partial?: object;
  [detail: string]: JsonValue | object | undefined;
}

/** One error code's error: `name` and `code` match. */
export interface StratlabErrorOf<C extends ErrorCode> extends Error {
  name: ErrorNameOf[C];
  code: C;
  details: ErrorDetails;
}

/** Every error stratlab throws (or rejects with): a union on `code`, so checking the code
 *  narrows the name too. */
export type StratlabError<C extends ErrorCode = ErrorCode> = { [K in C]: StratlabErrorOf<K> }[C];

/** A numeric column: a Float64Array or any array-like of numbers. */
export type NumericColumn = Float64Array | ArrayLike<number>;

/** Plain OHLCV columns; `time` in ms since the epoch (defaults to the bar index where optional). */
export interface OhlcvColumns {
  time?: NumericColumn;
  open: NumericColumn;
  high: NumericColumn;
  low: NumericColumn;
  close: NumericColumn;
  volume?: NumericColumn;
}

export type SignalText = 'BUY' | 'SELL' | 'HOLD';
/** A signal as text (any case), or 1 (BUY), 0 (HOLD), -1 (SELL). */
export type SignalValue = SignalText | 'buy' | 'sell' | 'hold' | 1 | 0 | -1;
/** A signal column. */
export type SignalColumn = Int8Array | Float64Array | ArrayLike<SignalValue> | ArrayLike<number> | ArrayLike<string>;

/** A strategy parameter value (optimizer spaces may hold strings and booleans too). */
export type ParamValue = number | string | boolean;
