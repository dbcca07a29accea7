"""`make lab` starts JupyterLab on 127.0.0.1 with the project's kernel, and its saves clean notebooks.

Real server, real HTTP on 127.0.0.1, stopped at the end; bounded to a minute.
"""
import json, os, signal, socket, subprocess, sys, time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    port, token = _free_port(), 'insight-test-token'
    env = {**os.environ, 'JUPYTER_TOKEN': token, 'LAB_PORT': str(port),
           'JUPYTER_RUNTIME_DIR': str(tmp_path_factory.mktemp('runtime'))}
    proc = subprocess.Popen(['make', '-s', 'lab', f'LAB_PORT={port}'], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base, deadline = f'http://127.0.0.1:{port}', time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None: pytest.fail(f"make lab exited with {proc.returncode}:\n{proc.stdout.read()}")
            try:
                if httpx.get(f'{base}/api/status', params={'token': token}, timeout=1).status_code == 200: break
            except httpx.TransportError: pass
            time.sleep(0.3)
        else: pytest.fail('JupyterLab did not answer /api/status within 60 s')
        yield base, token
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try: proc.wait(timeout=20)
            except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait()


def test_lab_serves_status_on_localhost(lab):
    base, token = lab
    status = httpx.get(f'{base}/api/status', params={'token': token}).json()
    assert 'started' in status and status['kernels'] == 0
    assert httpx.get(f'{base}/api/status').status_code == 403  # the token is required


def test_lab_uses_the_project_kernel(lab):
    base, token = lab
    specs = httpx.get(f'{base}/api/kernelspecs', params={'token': token}).json()
    argv = specs['kernelspecs'][specs['default']]['spec']['argv']
    assert Path(argv[0]) == ROOT/'.venv'/'bin'/'python', argv


def test_saving_a_notebook_cleans_it(lab):
    base, token = lab
    folder = ROOT/'test-artifacts'/'lab'; folder.mkdir(parents=True, exist_ok=True)
    nb = {'nbformat': 4, 'nbformat_minor': 5, 'metadata': {'widgets': {}, 'toc': {'x': 1}}, 'cells': [
        {'cell_type': 'code', 'id': 'a1', 'execution_count': 3, 'metadata': {'scrolled': True}, 'source': 'print(1)',
         'outputs': [{'output_type': 'stream', 'name': 'stdout', 'text': '1\n'},
                     {'output_type': 'stream', 'name': 'stderr', 'text': '100%|####| 3/3 [00:01<00:00]\n'}]}]}
    r = httpx.put(f'{base}/api/contents/test-artifacts/lab/saved.ipynb', params={'token': token},
                  json={'type': 'notebook', 'format': 'json', 'content': nb})
    assert r.status_code in (200, 201), r.text
    saved = json.loads((folder/'saved.ipynb').read_text())
    cell = saved['cells'][0]
    assert cell['execution_count'] is None and cell['metadata'] == {}
    assert [o['name'] for o in cell['outputs']] == ['stdout']  # stderr (progress bars, warnings) dropped
    assert 'toc' not in saved['metadata']
