import type { ErrorCode, ParamValue } from './common.js';
import type { Ohlcv } from './data.js';
import type { BacktestOptions, BacktestStats, NumericStatKey, OrderOptions, StrategyAlias, StrategyName } from './backtest.js';
import type { Rules } from './rules.js';

/** One parameter's search space: fixed value, choice, range (stop exclusive) or distribution. */
export type SpaceEntry = ParamValue | ParamValue[]
  | { start?: number; stop: number; step?: number }
  | { choice: ParamValue[] }
  | { uniform: [number, number] } | { quniform: [number, number, number] }
  | { loguniform: [number, number] } | { randint: [number, number] };

/** The objective: a numeric statistic name, or 'Total Return'. */
export type Objective = NumericStatKey | 'Total Return';

export interface OptimizeConfig extends BacktestOptions, OrderOptions {
  /** A built-in strategy (name or alias); or give `rules`. */
  strategy?: StrategyName | StrategyAlias;
  rules?: Rules;
  space: Record<string, SpaceEntry>;
  method?: 'grid' | 'random';
  /** An expression over the parameters, e.g. 'n1 < n2'. */
  constraint?: string;
  maximize?: Objective;
  minimize?: Objective;
  maxTries?: number;
  seed?: number;
  topK?: number;
  maxCombinations?: number;
  timeoutMs?: number;
  progressIntervalMs?: number;
  export?: Array<'csv' | 'json'>;
}

export type Params = Record<string, ParamValue>;

export interface OptimizeProgress {
  done: number; total: number; fraction: number;
  best: { params: Params; value: number } | null;
  elapsedMs: number; etaMs: number | null;
  strategy?: string; job?: number; jobs?: number; fold?: number; folds?: number;
}
export interface OptimizeRow { params: Params; value: number; error?: string; strategy?: string }

export interface TimeWindow { start: number; end: number; startTime: number; endTime: number }
export interface FoldReport {
  fold: number; train: TimeWindow; test: TimeWindow;
  status: 'complete' | 'timeout' | 'cancelled' | 'no_result';
  params: Params | null; inSample: number; outOfSample: number;
  testStats: EvaluationStats | null;
  combinations: number;
}

export interface OptimizeCallbacks {
  onProgress?: (p: OptimizeProgress) => void;
  onResult?: (r: OptimizeRow) => void;
  /** walkForward only: each fold as it finishes. */
  onFold?: (f: FoldReport) => void;
  signal?: AbortSignal;
}

/** pandas `describe` of a metric. */
export interface Describe { count: number; mean: number; std: number; min: number; q1: number; median: number; q3: number; max: number }
export interface Categories { Excellent: number; Good: number; Average: number; Poor: number }
export interface Efficiency { runtimeMs: number; combinationsPerSecond: number; msPerCombination: number }
export interface ErrorClass { code: ErrorCode | (string & {}); count: number; example: string }
export interface Recommendation {
  kind: 'edge_of_grid' | 'few_trades' | 'high_variance' | 'many_failures' | 'incomplete' | (string & {});
  message: string;
}
export interface Ranked { rank: number; params: Params; value: number }

export interface OptimizeSummary {
  strategy: string; objective: string; maximize: boolean; status: string;
  total: number; count: number; succeeded: number; successRate: number;
  best: Ranked | null;
  metrics: { metric: string; stats: Describe }[];
  ranking: Ranked[];
  categories: Categories;
  efficiency: Efficiency;
  recommendations: Recommendation[];
  errors: ErrorClass[];
}

/** Statistics of one evaluated combination (backtest stats plus 'Total Return'). */
export type EvaluationStats = Partial<BacktestStats> & Record<string, number | string>;
export interface RankedWithStats { params: Params; value: number; stats: EvaluationStats }

export interface OptimizeResult {
  strategy: string;
  status: 'complete' | 'timeout' | 'cancelled';
  complete: boolean;
  best: RankedWithStats | null;
  results: OptimizeRow[];
  top: RankedWithStats[];
  summary: OptimizeSummary;
  heatmap?: { params: [string, string]; rows: ParamValue[]; columns: ParamValue[]; values: Array<Array<number | null>> };
  text: string;
  csv?: string;
  json?: string;
}

export interface BatchRequest {
  strategies: Array<StrategyName | StrategyAlias | (string & {})>;
  common_config?: Partial<OptimizeConfig>;
  strategy_specific_configs?: Record<string, Partial<OptimizeConfig> | null> | null;
  parallel_jobs?: number;
  timeout_ms?: number;
  job_timeout_ms?: number;
}

export interface StrategyRank { rank: number; strategy: string; objective: string; params: Params; value: number }
export interface BatchSummary {
  strategies: number; total: number; count: number; succeeded: number; successRate: number;
  ranking: StrategyRank[]; categories: Categories; efficiency: Efficiency; errors: ErrorClass[];
}
export interface BatchJob {
  strategy: string;
  status: 'complete' | 'timeout' | 'cancelled' | 'error';
  complete: boolean;
  error?: { code: ErrorCode; message: string };
  report?: OptimizeResult;
}
export interface BatchResult {
  jobs: BatchJob[];
  summary: BatchSummary;
  perStrategy: OptimizeSummary[];
  text: string;
  warnings: string[];
}

export interface WalkForwardConfig extends OptimizeConfig {
  trainBars: number; testBars: number; stepBars?: number; mode?: 'rolling' | 'anchored';
}
export interface WalkForwardCombined {
  objective: string; folds: number; evaluatedFolds: number;
  meanInSample: number; meanOutOfSample: number; efficiency: number;
  outOfSample: Describe | null; compoundedReturnPct: number; totalTrades: number;
  profitableFolds: number; distinctParams: number;
}
export interface WalkForwardResult {
  mode: 'rolling' | 'anchored'; trainBars: number; testBars: number; stepBars: number;
  folds: FoldReport[]; combined: WalkForwardCombined;
}

export declare function optimize(data: Ohlcv, config: OptimizeConfig, callbacks?: OptimizeCallbacks | null): Promise<OptimizeResult>;
export declare function optimizeBatch(data: Ohlcv, request: BatchRequest, callbacks?: OptimizeCallbacks | null): Promise<BatchResult>;
export declare function walkForward(data: Ohlcv, config: WalkForwardConfig, callbacks?: OptimizeCallbacks | null): Promise<WalkForwardResult>;
