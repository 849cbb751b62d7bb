"""statsmodels 0.15 timings for examples/bench_forecast.rs and bench/forecast.mjs: each model's
fit + 10-step forecast on the log closes of the first 10,000 bars of SYNTH_100K_1H.
Usage: forecast_peer.py FIXTURES_DIR [reps]. Prints {case: {"ms": median, "sse": ...}} as JSON."""
import json, sys, time, warnings
import numpy as np, pandas as pd
from statsmodels.tsa.holtwinters import SimpleExpSmoothing, Holt, ExponentialSmoothing
from statsmodels.tsa.ar_model import AutoReg
from statsmodels.tsa.forecasting.theta import ThetaModel

warnings.filterwarnings("ignore")
H, M = 10, 24


def cases(y):
    n = len(y)
    t = np.arange(n)
    hw_known = dict(initialization_method="known", initial_level=y[:M].mean(),
                    initial_trend=(y[M:2 * M].mean() - y[:M].mean()) / M, initial_seasonal=y[:M] - y[:M].mean())
    return {
        "naive": lambda: (np.repeat(y[-1], H), None),
        "mean": lambda: (np.repeat(y.mean(), H), None),
        "drift": lambda: (y[-1] + np.arange(1, H + 1) * (y[-1] - y[0]) / (n - 1), None),
        "seasonal_naive": lambda: (np.array([y[n - M + (k % M)] for k in range(H)]), None),
        "linear_trend": lambda: (np.polyval(np.polyfit(t, y, 1), np.arange(n, n + H)), None),
        "ses_fixed": lambda: fc(SimpleExpSmoothing(y, initialization_method="known", initial_level=y[0]).fit(smoothing_level=0.3, optimized=False)),
        "ses_fit": lambda: fc(SimpleExpSmoothing(y, initialization_method="estimated").fit()),
        "holt_fixed": lambda: fc(Holt(y, initialization_method="known", initial_level=y[0], initial_trend=y[1] - y[0]).fit(
            smoothing_level=0.4, smoothing_trend=0.1, optimized=False)),
        "holt_fit": lambda: fc(Holt(y, initialization_method="estimated").fit()),
        "holt_winters_fixed": lambda: fc(ExponentialSmoothing(y, trend="add", seasonal="add", seasonal_periods=M, **hw_known).fit(
            smoothing_level=0.3, smoothing_trend=0.05, smoothing_seasonal=0.2, optimized=False)),
        "holt_winters_fit": lambda: fc(ExponentialSmoothing(y, trend="add", seasonal="add", seasonal_periods=M,
                                                            initialization_method="estimated").fit()),
        "theta": lambda: (ThetaModel(y, deseasonalize=False).fit().forecast(H), None),
        "ar5": lambda: ar(y),
    }


def fc(res):
    return res.forecast(H), float(res.sse)


def ar(y):
    res = AutoReg(y, lags=5, trend="c").fit()
    pred = res.get_prediction(start=len(y), end=len(y) + H - 1)
    pred.conf_int(alpha=0.05)
    return pred.predicted_mean, float(res.ssr)


def main():
    path = sys.argv[1] + "/data/SYNTH_100K_1H.csv.gz"
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    df = pd.read_csv(path, index_col=0)
    df.columns = [c.strip().title() for c in df.columns]
    y = np.log(df["Close"].values[:10_000].astype(float))
    out = {}
    for name, run in cases(y).items():
        t0 = time.perf_counter()
        _, sse = run()
        once = time.perf_counter() - t0
        n = reps if once < 1 else 1
        times = [once]
        for _ in range(n - 1):
            t0 = time.perf_counter(); run(); times.append(time.perf_counter() - t0)
        out[name] = {"ms": sorted(times)[len(times) // 2] * 1e3, "sse": sse}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
