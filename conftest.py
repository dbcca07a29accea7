"""pytest plugin: collect every notebook in nbs/ as one test item (see `insight_project.notebook`).

Each notebook runs as `nbdev_test` runs it (cells flagged with a `tst_flags` flag from settings.ini, here `slow`,
are skipped unless INSIGHT_TEST_FLAGS names them; `make test-all` sets INSIGHT_TEST_FLAGS=slow), and then
its stored text outputs are compared with what each cell printed now: a stale output fails the test.
"""
from insight_project.notebook import pytest_collect_file  # noqa: F401
