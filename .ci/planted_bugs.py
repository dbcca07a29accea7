#!/usr/bin/env python3
"""Plant, one at a time, the eight bugs that once passed the whole suite (issue #12), and check a test catches each.

    .venv/bin/python .ci/planted_bugs.py [--only NAME ...]

Each bug is an exact edit of one exported cell, made in a copy of the project (the working tree is never touched);
the notebook that must catch it then runs as `make test` runs it. Prints one row per bug: caught or MISSED.
Each catching notebook first runs unplanted and must pass. Exits 1 if a bug is missed, or if an edit no longer
matches the code (the table then says which to update).
"""
import json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

BUGS = [  # name, notebook that exports the code, the notebook that must fail, exact old text, planted text
    ('stratify ignored', '01_data', '01_data',
     "if task == 'classification' and stratify else None", "if task == 'classification' else None"),
    ('fingerprint hashes the first MiB only', '01_data', '01_data',
     "for block in iter(lambda: f.read(1 << 20), b''): h.update(block)", "h.update(f.read(1 << 20))"),
    ('one-hot/target encoding off by one at max_onehot', '03_features', '03_features',
     "c.n_unique <= cfg.max_onehot", "c.n_unique < cfg.max_onehot"),
    ('models/latest written in place', '06_artifact', '06_artifact',
     "write_atomic(Path(models_dir)/'latest', run_id + '\\n')",
     "(Path(models_dir)/'latest').write_text(run_id + '\\n')"),
    ('NaN ONNX probabilities accepted', '06a_onnx', '06a_onnx',
     "if not diff <= tolerance:", "if diff > tolerance:"),
    ('Dask training on the local backend', '09b_scale', '09b_scale',
     "with joblib.parallel_backend('dask', scatter=None): yield client", "yield client"),
    ('attach_onnx never writes model.onnx', '06a_onnx', '06a_onnx',
     "if export.data is not None: write_atomic(run.path/'model.onnx', export.data)", "if export.data is not None: pass"),
    ('local.yaml loses to config.yaml', '00_config', '00_config',
     "raw = _merge(raw, read_yaml(local_path), str(local_path), origins)",
     "raw = _merge(read_yaml(local_path), raw, str(path), origins)"),
]

def plant(nb_path:Path, old:str, new:str) -> bool:
    "Replace `old` by `new` in the one exported cell holding it; False when no exported cell holds it exactly once."
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    hits = [c for c in nb['cells'] if c['cell_type'] == 'code' and '#| export' in ''.join(c['source'])
            and ''.join(c['source']).count(old) == 1]
    if len(hits) != 1: return False
    hits[0]['source'] = ''.join(hits[0]['source']).replace(old, new).splitlines(True)
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding='utf-8')
    return True

def run(copy:Path, notebook:str) -> bool:
    "Export the copy and run one notebook's tests there; True when they pass."
    env = {**os.environ, 'MPLBACKEND': 'Agg', 'INSIGHT_TEST_FLAGS': '', 'PYTHONDONTWRITEBYTECODE': '1'}
    subprocess.run([Path(sys.executable).parent/'nbdev_export'], cwd=copy, env=env, capture_output=True, check=True)
    r = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-x', '-p', 'no:cacheprovider', f'nbs/{notebook}.ipynb'],
                       cwd=copy, env=env, capture_output=True, timeout=900)
    return r.returncode == 0

def main(argv:list[str]) -> int:
    only = argv[argv.index('--only') + 1:] if '--only' in argv else None
    root, bad = Path(__file__).resolve().parent.parent, 0
    with tempfile.TemporaryDirectory(prefix='insight-planted-') as tmp:
        copy = Path(tmp)/'project'
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns('.venv', '.git', 'models', 'reports', '_docs', '_proc',
                                                                  '__pycache__'))
        for notebook in dict.fromkeys(b[2] for b in BUGS if not only or any(o in b[0] for o in only)):
            if not run(copy, notebook):  # a notebook failing without a bug would "catch" every bug
                print(f".ci/planted_bugs.py: nbs/{notebook}.ipynb fails with no bug planted; fix it first", file=sys.stderr)
                return 1
        print(f"{'bug':<50} {'caught by':<14} result")
        for name, source, catcher, old, new in BUGS:
            if only and not any(o in name for o in only): continue
            path = copy/'nbs'/f'{source}.ipynb'; original = path.read_text(encoding='utf-8')
            t = time.monotonic()
            if not plant(path, old, new): result = 'EDIT NO LONGER MATCHES'; bad += 1
            else:
                caught = not run(copy, catcher); bad += not caught
                result = f"{'caught' if caught else 'MISSED'} ({time.monotonic() - t:.0f} s)"
            path.write_text(original, encoding='utf-8')
            print(f"{name:<50} {catcher:<14} {result}", flush=True)
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
