"""`insight_predict --input` on a folder of parts, through the real console script, locally and on a Dask LocalCluster.

The notebooks test `predict_parts` itself; this checks what a user types: the command routes a folder (or any input
on the Dask backend) to one output part per input part, prints a table, and both backends write identical files.
"""
import os, subprocess, sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _cli(*args, cwd=ROOT):
    p = subprocess.run([str(BIN/args[0]), *map(str, args[1:])], capture_output=True, text=True, cwd=cwd, timeout=300,
                       env={**os.environ, 'MPLBACKEND': 'Agg'})
    return p.returncode, p.stdout, p.stderr


@pytest.fixture(scope='module')
def project(tmp_path_factory):
    "A trained run and a folder of three input parts (CSV and Parquet)."
    tmp = tmp_path_factory.mktemp('parts')
    sets = ['--set', f'output.models_dir={tmp}/models', '--set', f'output.reports_dir={tmp}/reports', '--set', 'model.cv_folds=3']
    code, out, err = _cli('insight_train', *sets)
    assert code == 0, err
    df = pd.read_csv(ROOT/'data'/'penguins.csv').drop(columns='species')
    (tmp/'in').mkdir()
    df.iloc[:100].to_csv(tmp/'in'/'a.csv', index=False)
    df.iloc[100:200].to_parquet(tmp/'in'/'b.parquet')
    df.iloc[200:].to_csv(tmp/'in'/'c.csv', index=False)
    return tmp, sets


def test_folder_of_parts_local_and_dask(project):
    tmp, sets = project
    code, out, err = _cli('insight_predict', '--input', tmp/'in', '--output', tmp/'out_local', *sets)
    assert code == 0, err
    assert '344 rows predicted from 3 parts' in out and '(local)' in out, out
    code, out, err = _cli('insight_predict', '--input', f"{tmp}/in/*", '--output', tmp/'out_dask', *sets,
                          '--set', 'compute.backend=dask', '--set', 'compute.workers=2')
    assert code == 0, err
    assert '344 rows predicted from 3 parts' in out and '(dask)' in out, out
    names = sorted(os.listdir(tmp/'out_local'))
    assert names == ['a.predictions.csv', 'b.predictions.parquet', 'c.predictions.csv'] == sorted(os.listdir(tmp/'out_dask'))
    for n in names:
        read = pd.read_parquet if n.endswith('.parquet') else pd.read_csv
        pd.testing.assert_frame_equal(read(tmp/'out_local'/n), read(tmp/'out_dask'/n))


def test_parts_errors_are_one_line(project):
    tmp, sets = project
    code, out, err = _cli('insight_predict', '--input', f"{tmp}/in/*.json", *sets)
    assert code == 2 and 'Traceback' not in err and 'no .csv or .parquet files match this pattern' in err, err
    code, out, err = _cli('insight_predict', '--input', tmp/'in', *sets, '--set', 'compute.backend=dask',
                          '--set', 'compute.scheduler=tcp://127.0.0.1:9', '--set', 'compute.connect_timeout=2')
    assert code == 2 and 'Traceback' not in err and 'cannot reach the Dask scheduler at tcp://127.0.0.1:9' in err, err
