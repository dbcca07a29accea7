"""Our default training run against FLAML given the same wall time, on the quality benchmark's tables.

FLAML is a benchmark-only dependency, never a runtime one: run this in a separate environment that has it, e.g.
    python3 -m venv /tmp/flaml && /tmp/flaml/bin/pip install -r build/requirements.lock flaml==2.7.0 xgboost==3.2.0
    /tmp/flaml/bin/pip install --no-deps -e . && /tmp/flaml/bin/python .ci/automl_compare.py [--all] [--quick]
Prints one row per table (test metric and seconds of each) and saves reports/automl_compare.csv.
"""
import argparse, sys, time
from pathlib import Path

import pandas as pd


def flaml_run(train, test, schema, metric, seconds, seed):
    "FLAML's AutoML on the columns our run uses (categoricals as pandas categories), given `seconds`."
    from flaml import AutoML
    from insight_project.schema import validate_frame
    from insight_project.train import score_predictions
    used = [c.name for c in schema.features if c.required]
    def frame(d):
        X = validate_frame(d, schema).frame[used].copy()
        for c in schema.features:
            if c.name in used and c.kind == 'datetime': X[c.name] = pd.to_datetime(X[c.name], errors='coerce')
            elif c.name in used and c.kind in ('categorical', 'boolean'):
                X[c.name] = X[c.name].astype(str).astype('category')
        return X
    target = schema.target.name
    flaml_metric = {'rmse': 'rmse', 'mae': 'mae', 'r2': 'r2', 'balanced_accuracy': 'accuracy',
                    'accuracy': 'accuracy', 'roc_auc': 'roc_auc', 'log_loss': 'log_loss'}.get(metric, 'auto')
    automl, start = AutoML(), time.perf_counter()
    automl.fit(frame(train), train[target], task=schema.task, metric=flaml_metric, time_budget=seconds,
               seed=seed, verbose=0)
    took = time.perf_counter() - start
    Xt = frame(test)
    proba = automl.predict_proba(Xt) if schema.task == 'classification' else None
    classes = list(automl.classes_) if proba is not None else None
    scores = score_predictions(test[target], automl.predict(Xt), schema.task, proba, classes)
    return scores[metric], took, automl.best_estimator


def compare(name, df, target, cfg):
    "One row: our default run and FLAML with the same wall time, scored on the same test split."
    from insight_project.data import split_data
    from insight_project.evaluate import evaluate_model
    from insight_project.features import plan_features
    from insight_project.schema import infer_schema
    from insight_project.compare import fit_and_compare
    from insight_project.train import selection_metric
    schema, plan = plan_features(infer_schema(df, target=target), cfg.features)
    metric, s = selection_metric(cfg, schema.task), cfg.split
    train, test = split_data(df, target, schema.task, s.test_size, s.seed, s.stratify)
    start = time.perf_counter(); ours = fit_and_compare(train, schema, plan, cfg); ours_s = time.perf_counter() - start
    ours_m = evaluate_model(ours.model, test, schema)[metric]
    flaml_m, flaml_s, best = flaml_run(train, test, schema, metric, max(ours_s, 10), cfg.model.seed)
    return {'table': name, 'metric': metric, 'ours': ours_m, 'ours_s': round(ours_s, 1), 'selected': ours.selected,
            'flaml': flaml_m, 'flaml_s': round(flaml_s, 1), 'flaml_best': best}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--all', action='store_true', help='every quality table, not only the high-cardinality one')
    p.add_argument('--quick', action='store_true', help='2,000-row tables (a smoke test)')
    a = p.parse_args()
    from insight_project.bench_train import QUALITY_TABLES
    from insight_project.config import load_config
    from insight_project.data import load_table
    from insight_project.synthetic import synthetic_table
    cfg = load_config(local=False)
    cfg = cfg.model_copy(update={'model': cfg.model.model_copy(update={'candidates': None})})
    chosen = QUALITY_TABLES if a.all else [t for t in QUALITY_TABLES if t[0] == 'high-cardinality']
    rows = []
    for n, r, c, task in chosen:
        r = min(r, 2_000) if a.quick else r
        rows.append(compare(f"{n} {r:,} x {c}", synthetic_table(r, c, task, seed=7, interactions=True), 'target', cfg))
        print(rows[-1], file=sys.stderr)
    if a.all: rows.append(compare('shipped example', load_table(cfg), cfg.data.target, cfg))
    table = pd.DataFrame(rows)
    lower = table.metric.isin(['rmse', 'mae', 'log_loss'])
    table['ours_vs_flaml'] = (table.ours / table.flaml).where(lower, table.flaml / table.ours).round(3)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print("ours_vs_flaml: our error / FLAML's error (or FLAML's score / ours); <= 1.05 is within 5%")
    Path('reports').mkdir(exist_ok=True); table.to_csv('reports/automl_compare.csv', index=False)


if __name__ == '__main__':
    main()
