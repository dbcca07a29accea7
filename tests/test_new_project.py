"""`insight_new` end to end: a new project made on a table built here, then that project's own `make run` and `make test`.

This is the "done when" of issues #11 and #22: the generated project sets up its own .venv (build/setup.sh, with
insight_project installed from the wheel insight_new put in build/wheels/: no INSIGHT_PROJECT_SOURCE, and no index
holds insight_project), trains on its table, and passes its own test suite without publishing a run (models/ and
`latest` are as `make run` left them); git does not track its table. After a config change, `make run` leaves
`make test` green with no `make outputs`, and `make test` exports a new `#| export` function itself. Pointing
INSIGHT_PROJECT_SOURCE at this checkout reinstalls insight_project alone, not the environment. It also builds its docs
site with `insight_docs`, a project that is not this repo.

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
               MPLBACKEND='Agg', PATH=os.environ['PATH'].replace(f"{bin_}{os.pathsep}", ''))
    return tmp/'Real-Estate', env


def _runs(root):
    "(run folders, what latest names) under models/."
    models, latest = root/'models', root/'models'/'latest'
    pointer = latest.read_text().strip() if latest.is_file() else os.path.realpath(latest)  # a text file or a link
    return sorted(p.name for p in models.iterdir() if (p/'run.json').is_file()), pointer


def test_generated_project(project):
    root, env = project
    assert (root/'real_estate'/'predict.py').is_file() and (root/'data'/'houses.csv').is_file()
    assert _run(['git', 'rev-list', '--count', 'HEAD'], root, env).strip() == '1'
    tracked = _run(['git', 'ls-files'], root, env).split()
    assert 'data/houses.csv' not in tracked and 'build/wheels/insight_project-0.1.0-py3-none-any.whl' in tracked
    assert not (root/'models').exists(), 'insight_new published a run: its notebooks train into a temporary folder'
    for name in ('00_explore', '01_train', '02_predict_serve'):
        cells = json.loads((root/'nbs'/f'{name}.ipynb').read_text())['cells']
        assert sum(bool(c.get('outputs')) for c in cells) >= 5, f'{name}: the notebook was not run'


def test_make_run_and_test(project):
    root, env = project
    assert 'INSIGHT_PROJECT_SOURCE' not in env
    out = _run(['make', 'run'], root, env)
    assert 'build/setup.sh: ready' in out and 'Written:' in out and 'rmse' in out, out[-3000:]
    assert (root/'models'/'latest').exists() and (root/'.venv'/'bin'/'insight_run').is_file()
    assert (root/'.venv'/'.insight-project-source').read_text().startswith('wheel insight_project-0.1.0-py3-none-any.whl ')
    before = _runs(root)
    out = _run(['make', 'test'], root, env)
    assert '4 passed' in out and 'failed' not in out, out[-3000:]
    assert _runs(root) == before, 'make test wrote a run into models/ or moved latest'
    assert 'is up to date' in _run(['bash', 'build/setup.sh'], root, env)   # the stamp: a second setup does nothing
    # where insight_project comes from is not the environment's stamp: switching reinstalls insight_project alone
    out = _run(['bash', 'build/setup.sh'], root, {**env, 'INSIGHT_PROJECT_SOURCE': str(ROOT)})
    assert 'insight_project from checkout' in out and 'installing the pinned environment' not in out, out
    out = _run(['bash', 'build/setup.sh'], root, env)
    assert 'insight_project from wheel insight_project-0.1.0' in out and 'installing the pinned' not in out, out


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


def test_config_change_then_make_run_keeps_make_test_green(project):
    "A day's edits: a column excluded, an exported function added; `make run`, then `make test`, with no `make outputs`."
    root, env = project
    config = root/'configs'/'config.yaml'
    config.write_text(config.read_text().replace('  exclude: []', '  exclude: [garden]'))
    nb = json.loads((root/'nbs'/'00_explore.ipynb').read_text())
    nb['cells'].insert(-1, {'cell_type': 'code', 'execution_count': None, 'id': 'added-01', 'metadata': {}, 'outputs': [],
                            'source': ['#| export\n', 'def rooms_per_area(df): return df.rooms / df.area']})
    (root/'nbs'/'00_explore.ipynb').write_text(json.dumps(nb, indent=1) + '\n')
    try:
        out = _run(['make', 'run'], root, env)
        assert 'Written:' in out, out[-3000:]
        before = _runs(root)
        out = _run(['make', 'test'], root, env)
        assert '4 passed' in out and 'failed' not in out, out[-3000:]
        assert 'def rooms_per_area' in (root/'real_estate'/'explore.py').read_text(), 'make test did not export first'
        assert _runs(root) == before
    finally:
        _run(['git', 'checkout', '--', '.'], root, env)
