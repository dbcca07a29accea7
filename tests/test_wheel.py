"""The package as a user gets it: a wheel built from this repo, installed with pip into a fresh venv.

The console scripts must be on that venv's PATH and run the main job in a project folder that is not this repo
(its own configs/ and data/), which proves nothing depends on the source tree.

`make test-all` (INSIGHT_TEST_FLAGS=slow) installs the wheel with its declared requirements into a clean venv
(about a minute: pip unpacks scikit-learn, pyarrow, onnxruntime...), which also proves the requirements suffice and
pull in no dev-only package. The default run installs only the wheel (`--no-deps`) and lends the fresh venv the
already-installed third-party packages of the running environment through a path file.
"""
import json, os, shutil, subprocess, sys, venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FULL = 'slow' in os.environ.get('INSIGHT_TEST_FLAGS', '').replace(',', ' ').split()
SCRIPTS = ['insight_run', 'insight_eda', 'insight_train', 'insight_predict', 'insight_serve', 'insight_bench', 'insight_docs',
           'insight_outputs', 'insight_new']


def _run(cmd, **kw):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)
    assert p.returncode == 0, f"{cmd} failed ({p.returncode}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    return p


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    "A clean venv with the wheel installed (runtime requirements only, pinned by the lock)."
    tmp = tmp_path_factory.mktemp('wheel')
    # build from a copy: setuptools writes its scratch files under build/, which is our scripts folder
    skip = shutil.ignore_patterns('.venv', '.git', 'models', 'reports', '_docs', '_proc', 'test-artifacts', '*.egg-info', '__pycache__')
    shutil.copytree(ROOT, tmp/'src', ignore=skip)
    _run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', '-w', tmp/'dist', tmp/'src'])
    wheel = next((tmp/'dist').glob('insight_project-*.whl'))
    venv.create(tmp/'venv', with_pip=True)
    py = tmp/'venv'/'bin'/'python'
    if FULL:
        _run([py, '-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-c', ROOT/'build'/'requirements.lock', wheel])
    else:
        site = _run([py, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).stdout.strip()
        lent = [p for p in sys.path if p.endswith('site-packages')]
        Path(site, '_lent_packages.pth').write_text('\n'.join(lent) + '\n')  # plain paths: the lender's own .pth files (its editable install) are not run
        _run([py, '-m', 'pip', 'install', '-q', '--no-deps', '--disable-pip-version-check', wheel])
    return tmp, py


def test_wheel_contents(installed):
    tmp, py = installed
    out = _run([py, '-c', 'import insight_project, importlib.metadata as m; print(insight_project.__version__); '
                          'print(sorted(e.name for e in m.entry_points(group="console_scripts") if e.name.startswith("insight_")))'], cwd=tmp).stdout
    version, scripts = out.splitlines()
    assert version == '0.1.0'
    assert eval(scripts) == sorted(SCRIPTS)
    for s in SCRIPTS: assert (tmp/'venv'/'bin'/s).exists(), s
    where = _run([py, '-c', 'import insight_project; print(insight_project.__file__)'], cwd=tmp).stdout.strip()
    assert where.startswith(str(tmp/'venv')), f"imported from {where}, not from the installed wheel"
    if not FULL: return
    # dev-only packages are not dragged in by the runtime requirements
    missing = _run([py, '-c', 'import importlib.util as u; print([m for m in ("nbdev", "mkdocs", "pytest") if u.find_spec(m)])'], cwd=tmp).stdout.strip()
    assert missing == '[]', missing


def test_installed_commands_run_a_project(installed):
    tmp, py = installed
    bin_ = tmp/'venv'/'bin'
    proj = tmp/'my_project'
    (proj/'configs').mkdir(parents=True); (proj/'data').mkdir()
    shutil.copy(ROOT/'data'/'penguins.csv', proj/'data'/'table.csv')
    (proj/'configs'/'config.yaml').write_text('data:\n  path: data/table.csv\n  target: sex\nmodel:\n  cv_folds: 3\n')
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'VIRTUAL_ENV')}
    env.update(MPLBACKEND='Agg', PATH=f"{bin_}:{env.get('PATH', '')}")
    help_ = _run([bin_/'insight_run', '--help'], cwd=proj, env=env).stdout
    assert '--set' in help_ and '--config' in help_
    out = _run([bin_/'insight_run', '--no_eda'], cwd=proj, env=env).stdout
    assert 'baseline' in out and 'Written:' in out, out
    run_id = os.readlink(proj/'models'/'latest')
    rec = json.loads((proj/'models'/run_id/'run.json').read_text())
    assert rec['task'] == 'classification' and rec['target'] == 'sex' and rec['classes'] == ['female', 'male']
    assert rec['metrics']['accuracy'] > 0.8
    listed = _run([bin_/'insight_train', '--list'], cwd=proj, env=env).stdout
    assert run_id in listed
    bad = subprocess.run([bin_/'insight_run', '--set', 'data.target=nope'], cwd=proj, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and 'Traceback' not in bad.stderr and "column 'nope' is not in data/table.csv" in bad.stderr, bad.stderr
    if not FULL: return  # the lent environment has the docs packages
    # runtime requirements only: the docs builder names the extra to install, in one line, exit code 2
    docs = subprocess.run([bin_/'insight_docs'], cwd=proj, env=env, capture_output=True, text=True, timeout=120)
    assert docs.returncode == 2 and 'Traceback' not in docs.stderr, docs.stderr
    assert 'insight_docs: error: the docs builder needs the docs extra: pip install "insight_project[docs]" (missing: ' \
        in docs.stderr and 'mkdocs' in docs.stderr, docs.stderr
