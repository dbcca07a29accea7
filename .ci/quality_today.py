"""The quality benchmark's tables trained with the default candidate set of before issue 13 (a linear model, a
100-tree random forest, histogram gradient boosting with its defaults; no search), for the "no worse than today"
comparison. Run: .venv/bin/python .ci/quality_today.py [--quick]; prints a table, saves reports/quality_today.csv."""
import argparse, time
from pathlib import Path

import pandas as pd

from insight_project.bench_train import QUALITY_TABLES
from insight_project.config import CandidateConfig, load_config
from insight_project.data import load_table, split_data
from insight_project.evaluate import evaluate_model
from insight_project.features import plan_features
from insight_project.schema import infer_schema
from insight_project.synthetic import synthetic_table
from insight_project.compare import fit_and_compare
from insight_project.train import selection_metric


def today_candidates(task):
    "The default set before issue 13."
    kind = 'Classifier' if task == 'classification' else 'Regressor'
    linear = (CandidateConfig(name='ridge', estimator='sklearn.linear_model.Ridge') if task == 'regression' else
              CandidateConfig(name='logistic_regression', estimator='sklearn.linear_model.LogisticRegression',
                              params={'max_iter': 2000}))
    return [linear, CandidateConfig(name='random_forest', estimator=f'sklearn.ensemble.RandomForest{kind}',
                                    params={'n_estimators': 100}),
            CandidateConfig(name='hist_gradient_boosting', estimator=f'sklearn.ensemble.HistGradientBoosting{kind}')]


def row(name, df, target, cfg):
    schema, plan = plan_features(infer_schema(df, target=target), cfg.features)
    cfg = cfg.model_copy(update={'model': cfg.model.model_copy(update={'candidates': today_candidates(schema.task)})})
    metric, s = selection_metric(cfg, schema.task), cfg.split
    train, test = split_data(df, target, schema.task, s.test_size, s.seed, s.stratify)
    start = time.perf_counter(); res = fit_and_compare(train, schema, plan, cfg)
    return {'table': name, 'metric': metric, 'today': evaluate_model(res.model, test, schema)[metric],
            'today_s': round(time.perf_counter() - start, 1), 'today_selected': res.selected}


if __name__ == '__main__':
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0]); a.add_argument('--quick', action='store_true')
    quick = a.parse_args().quick
    cfg = load_config(local=False)
    rows = [row(f"{n} {min(r, 2_000) if quick else r:,} x {c}",
                synthetic_table(min(r, 2_000) if quick else r, c, t, seed=7, interactions=True), 'target', cfg)
            for n, r, c, t in QUALITY_TABLES] + [row('shipped example', load_table(cfg), cfg.data.target, cfg)]
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    Path('reports').mkdir(exist_ok=True); table.to_csv('reports/quality_today.csv', index=False)
