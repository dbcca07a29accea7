"""`insight_new` end to end: a new project made on a table built here, then that project's own `make run` and `make test`.

This is the "done when" of issue #11: the generated project sets up its own .venv (build/setup.sh, with insight_project
installed from this checkout through INSIGHT_PROJECT_SOURCE, since it is not on the package index yet), trains on its
table, and passes its own test suite, stored notebook outputs included. It also builds its docs site with `insight_docs`,
a project that is not this repo.

Slow (a few minutes: a fresh venv from the lock, pip's cache makes it quicker), so it runs only with
INSIGHT_TEST_FLAGS=slow (`make test-all`). The fast checks of `insight_new` are in nbs/10c_new.ipynb.
"""
import json, os, subprocess, sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SLOW = 'slow' in os.environ.get('INSIGHT_TEST_FLAGS', '').replace(',', ' ').split()
pytestmark = pytest.mark.skipif(not SLOW, reason='slow: set INSIGHT_TEST_FLAGS=slow (make test-all)')


def _run(cmd, cwd, env, timeout=1800):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, f"{cmd} failed ({p.returncode}):\n{p.stdout[-4000:]}\n{p.stderr[-4000:]}"
    return p.stdout + p.stderr


def _houses(path: Path, rows: int = 400):
    "A regression table with numbers, a count, a category, a flag and a date, and some missing values."
    rng = np.random.default_rng(3)
    df = pd.DataFrame({'area': rng.normal(90, 25, rows).round(1), 'rooms': rng.integers(1, 7, rows),
                       'district': rng.choice(['north', 'south', 'east', 'west'], rows), 'garden': rng.random(rows) < 0.5,
                       'listed': pd.Timestamp('2024-01-01') + pd.to_timedelta(rng.integers(0, 700, rows), unit='D')})
    df['price'] = (df.area * 2.5 + df.rooms * 10 + (df.district == 'north') * 40 + df.garden * 15 + rng.normal(0, 10, rows)).round(1)
    df.loc[rng.choice(rows, 20, replace=False), 'area'] = np.nan
    df.to_csv(path, index=False)


@pytest.fixture(scope='module')
def project(tmp_path_factory):
    "A project made by the installed `insight_new` (notebooks run once), and the environment for its make targets."
    tmp = tmp_path_factory.mktemp('new')
    _houses(tmp/'houses.csv')
    bin_ = Path(sys.executable).parent
    out = _run([bin_/'insight_new', tmp/'Real-Estate', '--data', tmp/'houses.csv', '--target', 'price', '--task', 'regression'],
               tmp, {**os.environ, 'MPLBACKEND': 'Agg'})
    assert 'insight_new: created' in out, out
    keep = ('PATH', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE')
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith('PIP_')}
    home = tmp/'home'; home.mkdir()   # nbdev_install_hooks writes ~/.jupyter: keep it out of the real home
    env.update(HOME=str(home), PIP_CACHE_DIR=os.environ.get('PIP_CACHE_DIR', str(Path.home()/'.cache'/'pip')),
               INSIGHT_PROJECT_SOURCE=str(ROOT), MPLBACKEND='Agg', PATH=os.environ['PATH'].replace(f"{bin_}{os.pathsep}", ''))
    return tmp/'Real-Estate', env


def test_generated_project(project):
    root, env = project
    assert (root/'real_estate'/'predict.py').is_file() and (root/'data'/'houses.csv').is_file()
    assert _run(['git', 'rev-list', '--count', 'HEAD'], root, env).strip() == '1'
    for name in ('00_explore', '01_train', '02_predict_serve'):
        cells = json.loads((root/'nbs'/f'{name}.ipynb').read_text())['cells']
        assert sum(bool(c.get('outputs')) for c in cells) >= 5, f'{name}: the notebook was not run'


def test_make_run_and_test(project):
    root, env = project
    out = _run(['make', 'run'], root, env)
    assert 'build/setup.sh: ready' in out and 'Written:' in out and 'rmse' in out, out[-3000:]
    assert (root/'models'/'latest').is_file() and (root/'.venv'/'bin'/'insight_run').is_file()
    out = _run(['make', 'test'], root, env)
    assert '4 passed' in out and 'failed' not in out, out[-3000:]
    assert 'is up to date' in _run(['bash', 'build/setup.sh'], root, env)   # the stamp: a second setup does nothing


def test_make_docs_and_clean_tree(project):
    root, env = project
    if not (root/'static'/'docs').is_dir(): pytest.skip('this insight_project installation has no static/docs to copy')
    _run(['make', 'docs'], root, env)
    assert (root/'_docs'/'index.html').is_file() and (root/'_docs'/'explore.html').is_file()
    # the README that insight_docs writes is the one insight_new committed; running and testing changed no tracked file
    assert _run(['git', 'status', '--porcelain', '--untracked-files=all'], root, env).strip() == ''
    assert not (ROOT/'build'/'lib').exists(), 'installing the checkout wrote build files into it'


def test_project_without_data(project):
    "Without --data the project runs on its generated stand-in table: its notebooks pass and insight_run trains."
    root, env = project
    blank = root.parent/'blank'
    _run([Path(sys.executable).parent/'insight_new', blank], root.parent, {**os.environ, 'MPLBACKEND': 'Agg'})
    assert 'NO TABLE WAS GIVEN' in (blank/'configs'/'config.yaml').read_text()
    venv = root/'.venv'/'bin'   # the first project's environment: the same pins and insight_project; conftest puts blank/ on sys.path
    out = _run([venv/'python', '-m', 'pytest', '-q', '-p', 'no:cacheprovider'], blank, env)
    assert '4 passed' in out, out[-3000:]
    out = _run([venv/'insight_run', '--no_eda'], blank, env)
    assert 'balanced_accuracy' in out and 'Written:' in out, out[-3000:]
