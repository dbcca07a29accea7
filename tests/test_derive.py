"""`features.derive` end to end, through the console scripts a user types and a real server on 127.0.0.1.

A project folder with its own package (on PYTHONPATH, as an installed project package is) derives a column in
training; the saved run then scores *raw* rows through `insight_predict --input`, `insight_predict --record`, and
`insight_serve`'s `/predict` and `/invocations`. Once the function's source changes, the run is refused in one line.
The notebooks (05e_derive, 09c_pipeline, 07_inference) test the parts.
"""
import json, os, signal, socket, subprocess, sys, textwrap, time, urllib.request
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FUNCTION = '''
def bill_shape(df):
    "The bill's length over its depth, in place of the two."
    ratio = df.bill_length_mm / df.bill_depth_mm
    return df.drop(columns=['bill_length_mm', 'bill_depth_mm']).assign(bill_ratio=ratio)
'''
CONFIG = f'''
data: {{path: {ROOT/'data'/'penguins.csv'}, target: species}}
features: {{derive: "penguin_shapes.features:bill_shape"}}
model:
  cv_folds: 3
  allowed_modules: [sklearn, lightgbm, penguin_shapes]
  candidates: [{{estimator: sklearn.linear_model.LogisticRegression, params: {{max_iter: 500}}}}]
'''


def _env(project):
    return {**os.environ, 'MPLBACKEND': 'Agg', 'PYTHONPATH': str(project/'src'), 'INSIGHT_PROJECT_ROOT': str(project)}


def _cli(project, *args):
    p = subprocess.run([str(BIN/args[0]), *map(str, args[1:])], capture_output=True, text=True, cwd=project,
                       timeout=300, env=_env(project))
    return p.returncode, p.stdout, p.stderr


def _free_port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def _post(port, path, body):
    req = urllib.request.Request(f'http://127.0.0.1:{port}{path}', json.dumps(body).encode(),
                                 {'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=30) as r: return r.status, json.loads(r.read())


@pytest.fixture(scope='module')
def project(tmp_path_factory):
    "A project folder with its own package and config, trained once with `insight_train`."
    project = tmp_path_factory.mktemp('derive')
    (project/'src'/'penguin_shapes').mkdir(parents=True)
    (project/'src'/'penguin_shapes'/'__init__.py').write_text('')
    (project/'src'/'penguin_shapes'/'features.py').write_text(textwrap.dedent(FUNCTION))
    (project/'configs').mkdir(); (project/'configs'/'config.yaml').write_text(CONFIG)
    code, out, err = _cli(project, 'insight_train')
    assert code == 0, err
    raw = pd.read_csv(ROOT/'data'/'penguins.csv').drop(columns='species').dropna()
    raw.head(40).to_csv(project/'raw.csv', index=False)
    return project, raw


def test_train_records_the_function_and_the_raw_schema(project):
    project, raw = project
    run = json.loads((project/'models'/os.readlink(project/'models'/'latest')/'run.json').read_text())
    assert run['derive']['function'] == 'penguin_shapes.features:bill_shape'
    assert run['derive']['sha256'].startswith('sha256:')
    raw_columns = [c['name'] for c in run['schema']['columns']]
    assert 'bill_length_mm' in raw_columns and 'bill_ratio' not in raw_columns
    assert 'bill_ratio' in [c['name'] for c in run['derive']['schema']['columns']]


def test_predict_file_and_record_from_raw_rows(project):
    project, raw = project
    code, out, err = _cli(project, 'insight_predict', '--input', project/'raw.csv')
    assert code == 0, err
    assert '40 of 40 rows predicted' in out, out
    preds = pd.read_csv(project/'raw.predictions.csv')
    assert len(preds) == 40 and preds.prediction.isin(['Adelie', 'Chinstrap', 'Gentoo']).all()
    record = json.dumps(raw.iloc[0].to_dict())
    code, out, err = _cli(project, 'insight_predict', '--record', record)
    assert code == 0, err
    assert json.loads(out)['prediction'] == preds.prediction[0]


def test_server_predict_and_invocations_take_raw_records(project):
    project, raw = project
    port = _free_port()
    server = subprocess.Popen([str(BIN/'insight_serve'), '--port', str(port)], cwd=project, env=_env(project),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f'http://127.0.0.1:{port}/ready', timeout=2) as r:
                    if r.status == 200: break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, 'insight_serve did not become ready in 60 s'
                time.sleep(0.2)
        records = json.loads(raw.head(5).to_json(orient='records'))
        status, body = _post(port, '/predict', {'records': records})
        assert status == 200 and len(body['predictions']) == 5, body
        status, one = _post(port, '/predict', {'records': records[:1]})  # one record: the fast path
        assert one['predictions'][0]['prediction'] == body['predictions'][0]['prediction']
        split = json.loads(raw.head(5).to_json(orient='split', index=False))
        status, mlflow = _post(port, '/invocations', {'dataframe_split': split})
        assert status == 200, mlflow
        assert [p['prediction'] for p in body['predictions']] == mlflow['predictions']
        with urllib.request.urlopen(f'http://127.0.0.1:{port}/openapi.json', timeout=10) as r: api = r.read().decode()
        assert 'bill_length_mm' in api and 'bill_ratio' not in api  # the document asks for the raw columns
    finally:
        server.send_signal(signal.SIGTERM); server.wait(timeout=30)


def test_changed_or_unallowed_function_refused_in_one_line(project):
    project, raw = project
    code, out, err = _cli(project, 'insight_predict', '--input', project/'raw.csv',
                          '--set', 'model.allowed_modules=[sklearn]')
    assert code == 2 and 'Traceback' not in err and len(err.strip().splitlines()) == 1, err
    assert "package 'penguin_shapes' is not allowed" in err, err
    source = project/'src'/'penguin_shapes'/'features.py'
    source.write_text(source.read_text().replace('ratio = ', 'ratio = 1.0 * '))
    for command in (['insight_predict', '--input', project/'raw.csv'], ['insight_serve', '--port', _free_port()]):
        code, out, err = _cli(project, *command)
        assert code == 2 and 'Traceback' not in err, err
        assert len(err.strip().splitlines()) == 1, err
        assert 'features.derive penguin_shapes.features:bill_shape changed since the run was trained' in err, err
