import type { SignalColumn, SignalText } from './common.js';
import type { MarketData } from './data.js';
import type {
  BacktestStats, NumericStatKey, StatKey, StatKeys, StrategyAlias, StrategyName, StrategyParamsOf,
} from './indicators.js';
import type { Rules } from './rules.js';

// BacktestStats (backtesting.py's `'Return [%]'`, `'Sharpe Ratio'`, `'# Trades'`, ...) and the
// strategy tables are generated from the Rust declarations.
export type { BacktestStats, NumericStatKey, StatKey, StatKeys, StrategyAlias, StrategyName, StrategyParamsOf };

export type Semantics = 'backtesting.py' | 'backtesting' | 'backtestingpy' | 'vectorbt' | 'vbt';
export type ExitReason = 'signal' | 'stop_loss' | 'take_profit' | 'trailing' | 'end';

/** Account and cost options (backtesting.py names; camelCase accepted, vectorbt aliases too). */
export interface BacktestOptions {
  semantics?: Semantics;
  cash?: number; init_cash?: number; initCash?: number;
  /** Fraction per trade, [0, 1); `fees` is the vectorbt name. */
  commission?: number; fees?: number;
  spread?: number;
  /** (0, 1]: 1 / leverage. */
  margin?: number;
  trade_on_close?: boolean; tradeOnClose?: boolean;
  hedging?: boolean;
  exclusive_orders?: boolean; exclusiveOrders?: boolean;
  finalize_trades?: boolean; finalizeTrades?: boolean;
  risk_free_rate?: number; riskFreeRate?: number;
}

/** Order options: direction, sizing, stops, limits and intrabar fill model. */
export interface OrderOptions {
  direction?: 'both' | 'long' | 'short';
  /** A fraction in (0, 1) of available liquidity, or whole units ≥ 1 (default: all). */
  size?: number | null;
  fractional?: boolean;
  /** Stop-loss / take-profit distance as a fraction of the signal bar's close. */
  sl?: number | null; tp?: number | null;
  /** Limit entry at close × (1 ∓ limit). */
  limit?: number | null;
  trailing_sl?: number | null; trailingSl?: number | null;
  repeat?: 'reenter' | 'ignore';
  intrabar?: 'backtesting.py' | 'pessimistic' | 'optimistic' | 'ohlc';
}

type BaseConfig = BacktestOptions & OrderOptions;

/** A built-in strategy by name, its parameters inline or under `params`. */
export type StrategyBacktestConfig = {
  [S in StrategyName]: BaseConfig & Partial<StrategyParamsOf[S]> & {
    strategy: S; params?: Partial<StrategyParamsOf[S]>; signals?: never; rules?: never;
  };
}[StrategyName];

/** A built-in strategy by alias (parameters under `params`). */
export interface AliasBacktestConfig extends BaseConfig {
  strategy: StrategyAlias; params?: Record<string, number>; signals?: never; rules?: never;
}

/** Explicit signals, one per bar. */
export interface SignalsBacktestConfig extends BaseConfig {
  signals: SignalColumn; warmup?: number; strategy?: never; rules?: never;
}

/** A rule strategy (`{buy, sell}` expressions, or a compiled one) with its parameters. */
export interface RulesBacktestConfig extends BaseConfig {
  rules: Rules; params?: Record<string, number>; strategy?: never; signals?: never;
}

export type BacktestConfig = StrategyBacktestConfig | AliasBacktestConfig | SignalsBacktestConfig | RulesBacktestConfig;

/** One closed trade, with backtesting.py's column names. Times in ms since the epoch. */
export interface Trade {
  Size: number; EntryBar: number; ExitBar: number; EntryPrice: number; ExitPrice: number;
  PnL: number; ReturnPct: number; EntryTime: number; ExitTime: number; Commission: number;
  SL: number | null; TP: number | null; ExitReason: ExitReason;
}

export interface BacktestResult {
  stats: BacktestStats;
  trades: Trade[];
  equity: { time: Float64Array; Equity: Float64Array; DrawdownPct: Float64Array };
}

export interface StrategyParamInfo {
  name: string; default: number; min: number | null; max: number | null; integer: boolean; description: string;
}
export interface StrategyInfo {
  name: StrategyName; aliases: StrategyAlias[]; description: string; params: StrategyParamInfo[];
}

/** A strategy's signal table (the shape `mergeSignals` takes). */
export interface StrategySignals {
  timestamp: Float64Array; signal: SignalText[]; confidence: Float64Array; warmup: number;
}

export declare function backtest(data: MarketData, config: BacktestConfig): BacktestResult;
export declare function strategies(): StrategyInfo[];
export declare function strategySignals<S extends StrategyName>(
  data: MarketData, name: S, params?: Partial<StrategyParamsOf[S]> | null,
  options?: { semantics?: Semantics } | null,
): StrategySignals;
