"""Public monthly series for `npm run bench:forecast -- --public`, from the datasets statsmodels ships
with (no download): electrical equipment orders (elec_equip, 257 months, a business cycle on a
season), Mauna Loa CO2 (weekly, as monthly means, the last 257 months: trend and season) and
El Nino sea temperatures (the last 240 months: a season and cycles). Values ×100, as cents.
Prints [{family, values}]."""
import json
import os

import pandas as pd
import statsmodels.api as sm

here = os.path.dirname(sm.datasets.__file__)
elec = pd.read_csv(os.path.join(here, "elec_equip", "elec_equip.csv")).iloc[:, 1].to_numpy()
co2 = sm.datasets.co2.load_pandas().data["co2"].resample("MS").mean().interpolate().to_numpy()[-257:]
elnino = sm.datasets.elnino.load_pandas().data.drop(columns="YEAR").to_numpy().flatten()[-240:]


def series(family, values):
    return {"family": family, "values": [int(round(float(value) * 100)) for value in values]}


print(json.dumps([
    series("public: electrical equipment (257)", elec),
    series("public: Mauna Loa CO2 (257)", co2),
    series("public: El Nino temperatures (240)", elnino),
]))
