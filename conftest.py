"""pytest plugin: collect every notebook in nbs/ as one test item, run through nbdev's `test_nb`.

`pytest` and `nbdev_test` then run the same cells with the same rules: cells flagged with a
`tst_flags` flag from settings.ini (here `slow`) are skipped unless INSIGHT_TEST_FLAGS names them
(`make test-all` sets INSIGHT_TEST_FLAGS=slow). A failing notebook reports the failing cell's traceback.
"""
import io, os, sys
from configparser import ConfigParser
from contextlib import redirect_stderr
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
_cfg = ConfigParser(delimiters=['=']); _cfg.read(ROOT/'settings.ini')
NBS = ROOT/_cfg['DEFAULT'].get('nbs_path', 'nbs')
SKIP_FLAGS = _cfg['DEFAULT'].get('tst_flags', '').split()


def _force_flags(): return os.environ.get('INSIGHT_TEST_FLAGS', '').replace(',', ' ').split()


def pytest_collect_file(parent, file_path):
    p = Path(file_path)
    if (p.suffix == '.ipynb' and NBS in p.parents and not p.name.startswith(('_', '.'))
            and '.ipynb_checkpoints' not in p.parts and not (p.parent/'.notest').exists()):
        return NotebookFile.from_parent(parent, path=p)


class NotebookFailed(Exception): pass


class NotebookFile(pytest.File):
    def collect(self): yield NotebookItem.from_parent(self, name=self.path.stem)


class NotebookItem(pytest.Item):
    def runtest(self):
        from nbdev.test import test_nb
        os.environ.setdefault('MPLBACKEND', 'Agg')
        err = io.StringIO()
        with redirect_stderr(err):
            ok, secs = test_nb(self.path, skip_flags=SKIP_FLAGS, force_flags=_force_flags(), basepath=ROOT)
        self.user_properties.append(('seconds', round(secs, 1)))
        if not ok: raise NotebookFailed(err.getvalue())
        if err.getvalue().strip(): sys.stderr.write(err.getvalue())

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, NotebookFailed): return f"notebook {self.path.name} failed:\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self): return self.path, 0, f"notebook: {self.path.name}"
