"""Imbalanced binary tables: the framework's default run beside a threshold-tuned hand-made reference on the same rows.

    <checkout>/.venv/bin/python .ci/real_tables/imbalanced.py --framework <checkout> --out results/<name>.json [--tables a,b]

Per table (data/*.csv from prepare.py, `rownames` already dropped): `insight_run --config <tmp yaml> --no_eda` with only
data.path, data.target and the output folders; run.json's test metrics, baseline, decision, selection metric; the
seconds. Then the same test rows again with the checkout's own `split_data(df, target, 'classification', 0.2, 42, True)`
(checked against run.json['rows']['test']) and two references fitted on the training rows, each wrapped in
`TunedThresholdClassifierCV(scoring='balanced_accuracy')`: logistic regression (standardised numbers, one-hot
categoricals) and LightGBM. The saved model is also scored on those test rows with its Predictor (a check of the split
when the saved model is the tested one, i.e. model.refit=train or before issue 19).
"""
import argparse, json, re, subprocess, sys, tempfile, time, textwrap
from pathlib import Path
import warnings; warnings.filterwarnings('ignore')
import numpy as np, pandas as pd
from sklearn.metrics import balanced_accuracy_score, roc_auc_score, log_loss

HERE = Path(__file__).resolve().parent
TABLES = {'default': 'default', 'email': 'spam', 'caravan': 'Purchase'}   # name: target

PREDICT = textwrap.dedent("""
    import sys, pandas as pd
    from insight_project.inference import Predictor
    p = Predictor.load(sys.argv[1]); f = pd.read_csv(sys.argv[2])
    p.predict(f.drop(columns=[sys.argv[4]])).to_csv(sys.argv[3], index=False)
""")

def run_framework(checkout, work, csv, target):
    venv = checkout / '.venv' / 'bin'
    (work / 'config.yaml').write_text(f"data:\n  path: {csv}\n  target: {target}\n"
                                      f"output:\n  models_dir: {work / 'models'}\n  reports_dir: {work / 'reports'}\n")
    t0 = time.perf_counter()
    r = subprocess.run([str(venv / 'insight_run'), '--config', str(work / 'config.yaml'), '--no_eda'],
                       cwd=work, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    log = r.stdout + '\n--- stderr\n' + r.stderr; (work / 'insight_run.log').write_text(log)
    if r.returncode: raise RuntimeError(f"insight_run failed ({r.returncode}): {r.stderr[-2000:]}")
    run_dir = sorted(p.parent for p in (work / 'models').glob('*/run.json'))[-1]
    return json.loads((run_dir / 'run.json').read_text()), run_dir, seconds, log

def reference_features(train, test, target):
    "Numbers standardised, text/bool one-hot; an ISO datetime text column becomes epoch days and hour."
    X, Xt = train.drop(columns=[target]).copy(), test.drop(columns=[target]).copy()
    for c in [c for c in X if not pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])]:
        t = pd.to_datetime(X[c], errors='coerce', utc=True, format='ISO8601')
        if t.notna().mean() > 0.99:
            for F in (X, Xt):
                tt = pd.to_datetime(F[c], errors='coerce', utc=True, format='ISO8601')
                F[c + '_days'], F[c + '_hour'] = (tt - pd.Timestamp('2000-01-01', tz='UTC')).dt.days, tt.dt.hour
                F.drop(columns=[c], inplace=True)
    cats = [c for c in X if not pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c])]
    return X, Xt, cats, [c for c in X if c not in cats]

def references(train, test, target, positive):
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import StandardScaler, OneHotEncoder
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import TunedThresholdClassifierCV
    import lightgbm as lgb
    X, Xt, cats, nums = reference_features(train, test, target)
    y, yt = (train[target] == positive).astype(int).to_numpy(), (test[target] == positive).astype(int).to_numpy()
    pre = ColumnTransformer([('num', make_pipeline(SimpleImputer(strategy='median'), StandardScaler()), nums),
                             ('cat', make_pipeline(SimpleImputer(strategy='most_frequent'),
                                                   OneHotEncoder(handle_unknown='ignore')), cats)])
    lr = make_pipeline(pre, LogisticRegression(C=1.0, max_iter=2000))
    Xl, Xlt = X.copy(), Xt.copy()
    for c in cats: Xl[c] = Xl[c].astype(str).astype('category'); Xlt[c] = pd.Categorical(Xlt[c].astype(str), categories=Xl[c].cat.categories)
    gbm = lgb.LGBMClassifier(n_estimators=300, learning_rate=0.03, num_leaves=15, min_child_samples=20, subsample=0.8,
                             subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0, n_jobs=1, verbose=-1, random_state=0)
    out = {}
    for name, est, A, B in [('logistic', lr, X, Xt), ('lightgbm', gbm, Xl, Xlt)]:
        t0 = time.perf_counter()
        m = TunedThresholdClassifierCV(est, scoring='balanced_accuracy', cv=5, random_state=0).fit(A, y)
        prob = m.predict_proba(B)[:, 1]
        out[name] = dict(balanced_accuracy=float(balanced_accuracy_score(yt, m.predict(B))),
                         roc_auc=float(roc_auc_score(yt, prob)), log_loss=float(log_loss(yt, prob)),
                         threshold=float(m.best_threshold_), seconds=round(time.perf_counter() - t0, 1))
    return out

def predictor_check(checkout, run_dir, work, test, target, positive):
    test.to_csv(work / 'test.csv', index=False)
    p = subprocess.run([str(checkout / '.venv/bin/python'), '-c', PREDICT, str(run_dir), str(work / 'test.csv'),
                        str(work / 'preds.csv'), target], cwd=work, capture_output=True, text=True)
    if p.returncode: return {'error': p.stderr[-500:]}
    pr = pd.read_csv(work / 'preds.csv')
    col = next((c for c in pr if c.startswith('probability_') and c[len('probability_'):] in (str(positive), f'{positive}.0', str(positive).lower())), None)
    yt = (test[target] == positive).to_numpy()
    pred = pr['prediction'].astype(str).str.replace(r'\.0$', '', regex=True).to_numpy() == str(positive)
    return dict(balanced_accuracy=float(balanced_accuracy_score(yt, pred)),
                roc_auc=float(roc_auc_score(yt, pr[col])) if col else None, probability_column=col,
                predicted_positive=int(pred.sum()), true_positive_rows=int(yt.sum()))

def bench(name, checkout):
    from insight_project.data import split_data
    target, csv = TABLES[name], HERE / 'data' / f'{name}.csv'
    df = pd.read_csv(csv)
    counts = df[target].value_counts(); positive = counts.idxmin()          # the minority class
    work = Path(tempfile.mkdtemp(prefix=f'imb-{name}-'))
    rec, run_dir, seconds, log = run_framework(checkout, work, csv, target)
    train, test = split_data(df, target, 'classification', 0.2, 42, True)
    v = rec.get('validation') or {}
    warn = [l.strip() for l in log.splitlines() if re.search(r'warn|guard|worse than|caution', l, re.I)]
    return dict(table=name, rows=len(df), target=target, positive=str(positive), positive_share=float(counts.min() / len(df)),
                checkout=str(checkout), commit=subprocess.run(['git', '-C', str(checkout), 'rev-parse', '--short', 'HEAD'],
                                                                 capture_output=True, text=True).stdout.strip(),
                selected=rec.get('selected'), metric=rec.get('metric'), decision=rec.get('decision'),
                metrics=rec.get('metrics'), baseline=rec.get('baseline_metrics'), rows_run=rec.get('rows'),
                split_protocol=v.get('protocol', 'random (not recorded)'), refit=rec.get('refit'),
                test_rows=len(test), split_matches=(rec.get('rows') or {}).get('test') == len(test),
                seconds=round(seconds, 1), reference=references(train, test, target, positive),
                predictor_on_test=predictor_check(checkout, run_dir, work, test, target, positive),
                comparison=rec.get('comparison'), guards=rec.get('guards'), validation=rec.get('validation'), warnings=warn, work_dir=str(work), run_dir=str(run_dir))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--framework', required=True); ap.add_argument('--out', required=True)
    ap.add_argument('--tables', default=','.join(TABLES)); a = ap.parse_args()
    checkout, results = Path(a.framework).resolve(), []
    for name in a.tables.split(','):
        print(f"== {name}", file=sys.stderr, flush=True)
        try: results.append(bench(name, checkout))
        except Exception as e: results.append(dict(table=name, checkout=str(checkout), error=f"{type(e).__name__}: {e}"))
        r = results[-1]; print('  ', {k: r.get(k) for k in ('error', 'selected', 'metric', 'decision', 'metrics', 'split_matches', 'seconds')},
                                 file=sys.stderr, flush=True)
    Path(a.out).parent.mkdir(exist_ok=True, parents=True)
    Path(a.out).write_text(json.dumps(results, indent=1, default=str)); print(f"written: {a.out}", file=sys.stderr)
