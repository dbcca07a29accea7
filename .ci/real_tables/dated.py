"""Dated-table benchmark: does the framework's reported test metric hold on later rows it never saw?

    <venv>/bin/python .ci/real_tables/dated.py --framework <checkout dir> --out <json> [--tables a,b] [--keep]

For each table in data/ (written once by prepare.py): sort by its time column; the rows at or after the time that
starts the latest 20% are "later rows", never shown to the framework. The earlier rows go to a CSV, and
`<checkout>/.venv/bin/insight_run --config <yaml> --no_eda` runs on it with nothing but data.path, data.target and
the output folders set, so the framework chooses its protocol itself. The saved run is scored on the later rows with
`Predictor.load` in a subprocess of the same venv. A hand-made LightGBM reference (calendar features, categoricals,
early stopping on the last 15% of training rows in time order, refit on all) runs on the same rows.
Needs only pandas, numpy, scikit-learn and lightgbm in the venv that runs it (all in the framework's venv).
"""
import argparse, json, shutil, subprocess, sys, tempfile, time, textwrap
from pathlib import Path
import warnings
import numpy as np, pandas as pd
warnings.filterwarnings('ignore', category=DeprecationWarning); warnings.filterwarnings('ignore', message='.*deprecated.*')
from sklearn.metrics import balanced_accuracy_score, roc_auc_score, root_mean_squared_error

HERE = Path(__file__).resolve().parent
DATA = HERE / 'data'
LATER_SHARE = 0.2

# name: (target, time column, task, group column or None)
TABLES = {
    'txhousing':      ('sales',    'date',      'regression',     'city'),
    'nyc_weather':    ('temp',     'time_hour', 'regression',     'origin'),
    'mosaic_weather': ('avg_temp', 'date',      'regression',     'city'),
    'births':         ('births',   'date',      'regression',     None),
    'email':          ('spam',     'time',      'classification', None),
}

def split_by_time(d:pd.DataFrame, time_col:str):
    "(earlier, later): later = rows at or after the timestamp starting the latest 20%; no timestamp on both sides."
    t = pd.to_datetime(d[time_col], utc=True, format='ISO8601')
    d = d.iloc[np.argsort(t.to_numpy(), kind='stable')].reset_index(drop=True)
    t = pd.to_datetime(d[time_col], utc=True, format='ISO8601')
    cut = t.iloc[int(len(d) * (1 - LATER_SHARE))]
    return d[t < cut].reset_index(drop=True), d[t >= cut].reset_index(drop=True)

# ---------------------------------------------------------------- metrics
def positive_label(y): return sorted(pd.unique(y))[-1]

def scores(task, y, pred, prob=None) -> dict:
    if task == 'regression': return {'rmse': float(root_mean_squared_error(y, pred))}
    out = {'balanced_accuracy': float(balanced_accuracy_score(np.asarray(y).astype(str), np.asarray(pred).astype(str)))}
    if prob is not None and len(pd.unique(y)) == 2: out['roc_auc'] = float(roc_auc_score(y == positive_label(y), prob))
    return out

# ---------------------------------------------------------------- the framework, as a user runs it
PREDICT = textwrap.dedent("""
    import sys, pandas as pd
    from insight_project.inference import Predictor
    p = Predictor.load(sys.argv[1])
    frame = pd.read_csv(sys.argv[2])
    out = p.predict(frame.drop(columns=[sys.argv[4]]))
    out.to_csv(sys.argv[3], index=False)
""")

def run_framework(checkout:Path, work:Path, earlier:pd.DataFrame, later:pd.DataFrame, target:str) -> dict:
    venv = checkout / '.venv' / 'bin'
    earlier.to_csv(work / 'train.csv', index=False); later.to_csv(work / 'later.csv', index=False)
    (work / 'config.yaml').write_text(f"data:\n  path: {work / 'train.csv'}\n  target: {target}\n"
                                      f"output:\n  models_dir: {work / 'models'}\n  reports_dir: {work / 'reports'}\n")
    t0 = time.perf_counter()
    r = subprocess.run([str(venv / 'insight_run'), '--config', str(work / 'config.yaml'), '--no_eda'],
                       cwd=work, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    (work / 'insight_run.log').write_text(r.stdout + '\n--- stderr\n' + r.stderr)
    if r.returncode: raise RuntimeError(f"insight_run failed ({r.returncode}): {r.stderr[-2000:]}")
    run_dir = sorted(p.parent for p in (work / 'models').glob('*/run.json'))[-1]
    record = json.loads((run_dir / 'run.json').read_text())
    p = subprocess.run([str(venv / 'python'), '-c', PREDICT, str(run_dir), str(work / 'later.csv'),
                        str(work / 'preds.csv'), target], cwd=work, capture_output=True, text=True)
    if p.returncode: raise RuntimeError(f"predicting later rows failed: {p.stderr[-2000:]}")
    return dict(record=record, run_dir=str(run_dir), seconds=seconds, log=r.stdout,
                preds=pd.read_csv(work / 'preds.csv'))

def protocol_of(record:dict) -> str:
    v = record.get('validation')
    if not v: return 'random (not recorded)'
    col = v.get('column') or next((v[k] for k in v if k.endswith('column') and isinstance(v[k], str) and v[k]), None)
    return f"{v.get('protocol')}" + (f" ({col})" if col else '')

def reported(record:dict, task:str) -> dict:
    m = record.get('metrics', {})
    keys = ['rmse'] if task == 'regression' else ['roc_auc', 'balanced_accuracy']
    return {k: (float(m[k]) if k in m and m[k] is not None else None) for k in keys}

def framework_later(preds:pd.DataFrame, later:pd.DataFrame, target:str, task:str) -> dict:
    y = later[target].to_numpy()
    if task == 'regression': return scores(task, y, preds['prediction'].to_numpy())
    pos = positive_label(y)
    col = next((c for c in (f'probability_{pos}', f'probability_{float(pos)}', f'probability_{str(pos).lower()}')
                if c in preds), None)
    prob = preds[col].to_numpy() if col else None
    pred = preds['prediction'].to_numpy()
    if pred.dtype.kind == 'f' and np.asarray(y).dtype.kind in 'iu': pred = pred.astype(int)
    return scores(task, y, pred, prob)

# ---------------------------------------------------------------- the hand-made reference (~30 lines)
def calendar(d:pd.DataFrame, time_col:str, t0, trend:bool) -> pd.DataFrame:
    "Calendar features: seasons as cycles (later rows' months are often unseen), a trend only over 2+ years."
    t = pd.to_datetime(d[time_col], utc=True, format='ISO8601')
    X = d.drop(columns=[time_col, 'rownames'], errors='ignore').copy()   # a row number is not a feature
    if trend: X['t_days'], X['year'] = (t - t0).dt.total_seconds() / 86400, t.dt.year
    doy = t.dt.day_of_year.to_numpy()
    X['doy_sin'], X['doy_cos'] = np.sin(2 * np.pi * doy / 365.25), np.cos(2 * np.pi * doy / 365.25)
    X['weekday'], X['day_of_month'] = t.dt.day_of_week, t.dt.day
    if t.dt.hour.nunique() > 1:
        h = t.dt.hour.to_numpy(); X['hour'], X['hour_sin'], X['hour_cos'] = h, np.sin(2 * np.pi * h / 24), np.cos(2 * np.pi * h / 24)
    return X

# what a practitioner adds by hand for one table, from its documentation (reference only; the framework gets the CSV)
EXTRA = {'txhousing': lambda X: X.assign(pace=(X.listings / X.inventory).replace([np.inf, -np.inf], np.nan))}  # months
# inventory = listings / the current (trailing) monthly sales pace, so listings / inventory is that pace

def reference(earlier, later, target, time_col, task, name='') -> dict:
    "LightGBM with calendar features, categoricals, early stopping on the latest 15% of training rows, then refit."
    import lightgbm as lgb
    t_start = time.perf_counter()
    t = pd.to_datetime(earlier[time_col], utc=True, format='ISO8601')
    trend = (t.max() - t.min()).days >= 2 * 365            # shorter: a trend cannot be told from the season
    X, Xl = (calendar(f.drop(columns=[target]), time_col, t.min(), trend) for f in (earlier, later))
    if name in EXTRA: X, Xl = EXTRA[name](X), EXTRA[name](Xl)
    for c in [c for c in X.columns if X[c].dtype == object or pd.api.types.is_string_dtype(X[c])]:
        X[c] = X[c].astype('category'); Xl[c] = pd.Categorical(Xl[c], categories=X[c].cat.categories)
    y, yl = earlier[target].to_numpy(), later[target].to_numpy()
    if task == 'classification': y = (y == positive_label(y)).astype(int)
    Model = lgb.LGBMRegressor if task == 'regression' else lgb.LGBMClassifier
    params = dict(n_estimators=5000, learning_rate=0.03, num_leaves=31, min_child_samples=20, subsample=0.8,
                  subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0, n_jobs=1, verbose=-1, random_state=0)
    k = int(len(X) * 0.85)                                     # early stopping on the latest 15% of training rows
    m = Model(**params).fit(X.iloc[:k], y[:k], eval_set=[(X.iloc[k:], y[k:])],
                            callbacks=[lgb.early_stopping(200, verbose=False)])
    rounds = max(50, int((m.best_iteration_ or 100) * len(X) / k))
    m = Model(**{**params, 'n_estimators': rounds}).fit(X, y)   # refit on all training rows
    if task == 'regression': out = scores(task, yl, m.predict(Xl))
    else:
        prob = m.predict_proba(Xl)[:, 1]                      # threshold at the training prevalence
        out = scores(task, yl, np.where(prob > y.mean(), positive_label(yl), sorted(pd.unique(yl))[0]), prob)
    return dict(metrics=out, seconds=time.perf_counter() - t_start, rounds=rounds, trend=trend,
                features=list(X.columns))

# ---------------------------------------------------------------- one table
def bench_table(name:str, checkout:Path, keep:bool, drop:list=()) -> dict:
    target, time_col, task, group = TABLES[name]
    earlier, later = split_by_time(pd.read_csv(DATA / f'{name}.csv').drop(columns=list(drop), errors='ignore'), time_col)
    work = Path(tempfile.mkdtemp(prefix=f'dated-{name}-'))
    fw = run_framework(checkout, work, earlier, later, target)
    rec = fw['record']
    ref = reference(earlier, later, target, time_col, task, name)
    rep, lat = reported(rec, task), framework_later(fw['preds'], later, target, task)
    ratio = {k: (rep[k] / lat[k] if rep.get(k) is not None and lat.get(k) else None) for k in lat}
    t_later = pd.to_datetime(later[time_col], utc=True, format='ISO8601')
    t_early = pd.to_datetime(earlier[time_col], utc=True, format='ISO8601')
    return dict(table=name, rows=len(earlier) + len(later), rows_framework=len(earlier), rows_later=len(later),
                target=target, task=task, time_column=time_col, group_column=group,
                framework_span=[str(t_early.min()), str(t_early.max())], later_span=[str(t_later.min()), str(t_later.max())],
                protocol=protocol_of(rec), validation=rec.get('validation'), selected=rec.get('selected'),
                reported=rep, later=lat, constant_on_later=(scores(task, later[target], np.full(len(later), earlier[target].mean()))
                                                         if task == 'regression' else None), ratio_reported_over_later=ratio, reference=ref['metrics'],
                reference_rounds=ref['rounds'], reference_trend=ref['trend'], reference_features=ref['features'], seconds_framework=round(fw['seconds'], 1),
                seconds_reference=round(ref['seconds'], 1),
                baseline_reported=reported({'metrics': rec.get('baseline_metrics', {})}, task),
                features=[{k: f.get(k) for k in ('column', 'encoding', 'reason')} for f in rec.get('features', [])],
                importance_top=[(i['column'], round(i['importance_mean'], 4)) for i in rec.get('importance', [])[:6]],
                model_card_head=(Path(fw['run_dir']) / 'model_card.md').read_text().splitlines()[:6],
                work_dir=str(work) if keep or shutil.rmtree(work) else None)

def fmt(x, nd=4): return '-' if x is None else f"{x:.{nd}g}"

def table_markdown(results:list) -> str:
    head = ("| table | rows (fw / later) | target | protocol chosen | metric | reported test | on later rows | "
            "reported / later | reference on later | seconds fw / ref |\n|" + "---|" * 10)
    lines = [head]
    for r in results:
        if 'error' in r: lines.append(f"| {r['table']} | error: {r['error'][:200]} |" + " |" * 8); continue
        for k in r['later']:
            lines.append(f"| {r['table']} | {r['rows_framework']} / {r['rows_later']} | {r['target']} | {r['protocol']} | "
                         f"{k} | {fmt(r['reported'].get(k))} | {fmt(r['later'][k])} | "
                         f"{fmt(r['ratio_reported_over_later'].get(k), 3)} | {fmt(r['reference'].get(k))} | "
                         f"{r['seconds_framework']} / {r['seconds_reference']} |")
    return '\n'.join(lines)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--framework', required=True, help='checkout directory with a .venv ')
    ap.add_argument('--out', required=True, help='JSON file for the results')
    ap.add_argument('--tables', default=','.join(TABLES), help='comma-separated subset of: ' + ', '.join(TABLES))
    ap.add_argument('--drop', default='', help="comma-separated columns removed before anything (e.g. rownames)")
    ap.add_argument('--keep', action='store_true', help='keep (and name) each temporary run folder')
    a = ap.parse_args()
    checkout, results = Path(a.framework).resolve(), []
    for name in a.tables.split(','):
        print(f"== {name}", file=sys.stderr, flush=True)
        try: results.append(bench_table(name, checkout, a.keep, [c for c in a.drop.split(',') if c]))
        except Exception as e: results.append(dict(table=name, error=f"{type(e).__name__}: {e}"))
        r = results[-1]
        print(f"   {name}: {'error ' + r['error'][:300] if 'error' in r else (r['protocol'], r['reported'], r['later'], r['reference'], r['seconds_framework'])}",
              file=sys.stderr, flush=True)
    md = table_markdown(results); print(md)
    git = subprocess.run(['git', '-C', str(checkout), 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip()
    Path(a.out).write_text(json.dumps(dict(framework=str(checkout), commit=git, later_share=LATER_SHARE,
                                           dropped=a.drop, results=results, markdown=md), indent=1, default=str))
    print(f"written: {a.out}", file=sys.stderr)
