import type { SignalText } from './common.js';
import type { MarketData } from './data.js';

/** A rule strategy: expressions over the indicator catalogue (docs/rules.md). */
export interface Rules { buy: string; sell: string }
export interface RuleSignals { timestamp: Float64Array; signal: SignalText[]; warmup: number }
export interface RulesInfo {
  buy: string; sell: string; params: string[]; indicators: string[]; timeframes: string[]; calls: number;
}
export interface RuleSet { name: string; description: string; buy: string; sell: string; params: Record<string, number> }

/** Rules validated and planned once, reusable on any data. */
export class CompiledRules {
  private constructor();
  /** Parameter names the rules need. */
  readonly params: string[];
  readonly info: RulesInfo;
  /** Distinct indicator calls the rules compute. */
  readonly indicators: string[];
  signals(data: MarketData, params?: Record<string, number> | null): RuleSignals;
  toJSON(): Rules;
  free(): void;
  [Symbol.dispose](): void;
}

export declare function compileRules(rules: Rules): CompiledRules;
export declare function ruleSignals(data: MarketData, rules: Rules, params?: Record<string, number> | null): RuleSignals;
/** The built-in strategies as named rule sets. */
export declare function ruleSets(): RuleSet[];
