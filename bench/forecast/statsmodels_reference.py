"""Independent reference for `npm run bench:forecast -- --statsmodels`: the same series and origins
through statsmodels' Holt-Winters (ExponentialSmoothing) and its ETS (ETSModel) chosen by AICc.
Reads the JSON the TypeScript harness writes, prints {method: [[outcome per origin] per series]}."""
import json
import sys
import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.holtwinters import ExponentialSmoothing

warnings.filterwarnings("ignore")


def holt_winters(history, trend, seasonal, damped):
    model = ExponentialSmoothing(
        history,
        trend=trend,
        seasonal=seasonal,
        seasonal_periods=12 if seasonal else None,
        damped_trend=damped,
        initialization_method="estimated",
    ).fit()
    value = float(model.forecast(1)[0])
    return {"value": value, "low": value, "high": value}


def ets_aicc(values):
    # A monthly index, so predictions come back as frames with their dates.
    history = pd.Series(values, index=pd.period_range("2000-01", periods=len(values), freq="M"))
    positive = bool(np.all(history > 0))
    best = None
    for error in ("add", "mul") if positive else ("add",):
        for trend, damped in ((None, False), ("add", False), ("add", True)):
            for seasonal in (None, "add", "mul") if len(history) >= 24 else (None,):
                if seasonal == "mul" and (error == "add" or not positive):
                    continue
                try:
                    fit = ETSModel(
                        history,
                        error=error,
                        trend=trend,
                        damped_trend=damped,
                        seasonal=seasonal,
                        seasonal_periods=12 if seasonal else None,
                    ).fit(disp=False)
                except Exception:  # a model that does not converge simply does not compete
                    continue
                if not np.isfinite(fit.aicc):
                    continue
                if best is None or fit.aicc < best.aicc:
                    best = fit
    frame = best.get_prediction(start=len(history), end=len(history)).summary_frame(alpha=0.2)
    return {"value": float(frame["mean"].iloc[0]), "low": float(frame["pi_lower"].iloc[0]), "high": float(frame["pi_upper"].iloc[0])}


def main():
    data = json.load(open(sys.argv[1]))
    origins = data["origins"]
    methods = {
        "Holt-Winters add/add": lambda h: holt_winters(h, "add", "add", False) if len(h) >= 24 else None,
        "Holt-Winters add damped/mul": lambda h: holt_winters(h, "add", "mul", True) if len(h) >= 24 else None,
        "ETS (AICc)": ets_aicc,
    }
    out = {name: [] for name in methods}
    for series in data["series"]:
        values = np.asarray(series["values"], dtype=float)
        n = len(values)
        for name, method in methods.items():
            rows = []
            for origin in range(n - origins, n):
                result = method(values[:origin])
                if result is not None:
                    rows.append({"actual": float(values[origin]), **result})
            out[name].append(rows)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
