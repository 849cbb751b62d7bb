"""backtesting.py 0.6.6 timing for bench/backtest.mjs: the same SmaCross long/short reversal on
the same GOOG data, one full run (stats, trades, equity). Prints JSON."""
import json, sys, time, warnings
import pandas as pd
from backtesting import Backtest, Strategy
from backtesting.lib import crossover

warnings.filterwarnings('ignore')

def sma(values, n):
    return pd.Series(values).rolling(n).mean()

class SmaCross(Strategy):
    n1, n2 = 10, 20
    def init(self):
        self.fast = self.I(sma, self.data.Close, self.n1)
        self.slow = self.I(sma, self.data.Close, self.n2)
    def next(self):
        if crossover(self.fast, self.slow):
            self.position.close(); self.buy()
        elif crossover(self.slow, self.fast):
            self.position.close(); self.sell()

class SmaCrossStops(SmaCross):
    """The same reversal with a 2 % stop-loss and a 4 % take-profit from the signal bar's close
    (stratlab's `sl: 0.02, tp: 0.04`)."""
    def next(self):
        c = self.data.Close[-1]
        if crossover(self.fast, self.slow):
            self.position.close(); self.buy(sl=c * 0.98, tp=c * 1.04)
        elif crossover(self.slow, self.fast):
            self.position.close(); self.sell(sl=c * 1.02, tp=c * 0.96)

data = pd.read_csv(sys.argv[1], index_col=0, parse_dates=True)
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
bt = Backtest(data, SmaCross, cash=10_000, commission=.002, finalize_trades=True)
times = []
for _ in range(reps):
    t0 = time.perf_counter(); stats = bt.run(); times.append((time.perf_counter() - t0) * 1000)
t0 = time.perf_counter()
heat = bt.optimize(n1=range(5, 30, 5), n2=range(10, 70, 5), constraint=lambda p: p.n1 < p.n2, maximize='Sharpe Ratio', return_heatmap=True)
grid_ms = (time.perf_counter() - t0) * 1000
# The 10,000-combination sl/tp grid (n1 in 1..100, n2 in 2, 4, ..., 200) takes backtesting.py
# about ten minutes here, so a 100-combination slice of it is timed and scaled per combination.
bt_stops = Backtest(data, SmaCrossStops, cash=10_000, commission=.002, finalize_trades=True)
t0 = time.perf_counter()
bt_stops.optimize(n1=range(1, 101, 10), n2=range(2, 201, 20), maximize='Sharpe Ratio')
stops_ms_per_combo = (time.perf_counter() - t0) * 1000 / 100
print(json.dumps({'stops_grid_ms_per_combo': stops_ms_per_combo, 'run_ms': sorted(times)[len(times) // 2], 'sharpe': stats['Sharpe Ratio'], 'trades': int(stats['# Trades']),
                  'grid_ms': grid_ms, 'grid_combos': int(heat[1].notna().sum()) if isinstance(heat, tuple) else None}))
