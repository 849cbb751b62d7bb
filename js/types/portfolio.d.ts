import type { SignalColumn } from './common.js';
import type { MarketData } from './data.js';
import type { BacktestStats, StrategyAlias, StrategyName, StrategyParamsOf, Trade } from './backtest.js';
import type { Rules } from './rules.js';

/** Account options of a multi-asset portfolio (one cash pool). */
export interface PortfolioOptions {
  /** 'vectorbt' (default: from_signals, cash sharing) or 'backtesting.py' (next-open fills, whole units). */
  mode?: 'vectorbt' | 'vbt' | 'backtesting.py' | 'backtesting' | 'backtestingpy';
  semantics?: 'vectorbt' | 'vbt' | 'backtesting.py' | 'backtesting' | 'backtestingpy';
  /** 'inner' (default): timestamps all assets share; 'union': forward-filled, no trading on a missing bar. */
  align?: 'inner' | 'union' | 'outer';
  /** Fraction of the cash available at the entry (vectorbt size_type 'percent'). */
  size?: number;
  size_type?: 'percent';
  fees?: number; commission?: number;
  cash?: number; init_cash?: number;
  sl?: number; tp?: number;
  risk_free_rate?: number;
}

export type PortfolioConfig =
  | {
      [S in StrategyName]: PortfolioOptions & Partial<StrategyParamsOf[S]> & {
        strategy: S; params?: Partial<StrategyParamsOf[S]>; signals?: never; rules?: never;
      };
    }[StrategyName]
  | (PortfolioOptions & { strategy: StrategyAlias; params?: Record<string, number>; signals?: never; rules?: never })
  | (PortfolioOptions & { signals: Record<string, SignalColumn>; strategy?: never; rules?: never })
  | (PortfolioOptions & { rules: Rules; params?: Record<string, number>; strategy?: never; signals?: never });

export interface PortfolioOrder { asset: string; bar: number; size: number; price: number; fees: number; side: 'Buy' | 'Sell' }

export interface PortfolioResult<S extends string = string> {
  mode: 'vectorbt' | 'backtesting.py';
  align: 'inner' | 'union';
  /** backtesting.py keys on the portfolio's value curve. */
  stats: BacktestStats;
  value: Float64Array;
  cash: Float64Array;
  time: Float64Array;
  orders: PortfolioOrder[];
  assets: Record<S, { stats: BacktestStats; trades: Trade[]; value: Float64Array }>;
}

export declare function portfolio<S extends string>(assets: Record<S, MarketData>, config: PortfolioConfig): PortfolioResult<S>;
