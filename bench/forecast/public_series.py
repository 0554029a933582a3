"""Public monthly series for `npm run bench:forecast -- --public`, none of them downloaded or made by us.

From the datasets statsmodels ships with: electrical equipment orders (elec_equip, 257 months, a
business cycle on a season), Mauna Loa CO2 (weekly, as monthly means, the last 257 months: trend
and season) and El Nino sea temperatures (the last 240 months: a season and cycles).

From the datasets vega_datasets ships with, when it is installed (`pip install vega_datasets`; the
bench says so when it is not): eight US employment series of the BLS, 2006-2015 (120 months,
seasonally adjusted: trends with the 2008 recession's turn, no season), and four monthly share
prices, 2000-2010 (123 months: random walks).

Values x100, as cents. Prints [{family, values}].
"""
import json
import os
import sys

import pandas as pd
import statsmodels.api as sm

here = os.path.dirname(sm.datasets.__file__)
elec = pd.read_csv(os.path.join(here, "elec_equip", "elec_equip.csv")).iloc[:, 1].to_numpy()
co2 = sm.datasets.co2.load_pandas().data["co2"].resample("MS").mean().interpolate().to_numpy()[-257:]
elnino = sm.datasets.elnino.load_pandas().data.drop(columns="YEAR").to_numpy().flatten()[-240:]


def series(family, values):
    return {"family": family, "values": [int(round(float(value) * 100)) for value in values]}


out = [
    series("public: electrical equipment (257)", elec),
    series("public: Mauna Loa CO2 (257)", co2),
    series("public: El Nino temperatures (240)", elnino),
]

try:
    from vega_datasets import local_data
except ImportError:
    print("vega_datasets not installed: the employment and share-price series are left out", file=sys.stderr)
else:
    employment = local_data("us-employment")
    for column in ["nonfarm", "construction", "manufacturing", "retail_trade", "leisure_and_hospitality", "government", "mining_and_logging", "information"]:
        out.append(series(f"public: US employment, {column} (120)", employment[column]))
    stocks = local_data("stocks")
    for symbol in ["MSFT", "AMZN", "IBM", "AAPL"]:
        out.append(series(f"public: {symbol} monthly price (123)", stocks[stocks.symbol == symbol].price))

print(json.dumps(out))
