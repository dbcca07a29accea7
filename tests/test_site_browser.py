"""The docs site as a person sees it: built from the notebooks, served on 127.0.0.1, opened in headless Chromium.

For the home page, an API page (config) and an analysis page: the title is right, every image loads, the console
shows no errors, no request leaves the machine, and the search box finds an exported function. Search is checked
again with the site opened from disk (file://), which needs the vendored iframe-worker polyfill. The analysis pages
(from nbs/12_*, 13_*, 14_*) show their results as HTML tables, and no page holds a temporary or machine-local path
or a `+dirty` version.
Screenshots go to test-artifacts/screenshots/ (gitignored). Skipped with a message when /usr/bin/chromium is missing.
"""
import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path('/usr/bin/chromium')
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']
SHOTS = ROOT/'test-artifacts'/'screenshots'
ANALYSIS_PAGES = ['analysis', 'eda', 'evaluate', 'benchmark']  # first present with an image wins, else first present

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
    reason="/usr/bin/chromium not found: install it (apt-get install chromium) to run the docs browser test")


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    "The real docs site, built once into a temporary folder."
    pytest.importorskip('playwright.sync_api', reason="python playwright is not installed")
    from insight_project.docs_site import build_docs
    return build_docs(ROOT, out=tmp_path_factory.mktemp('site')/'_docs')


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


@pytest.fixture(scope='module')
def base_url(site):
    "The site served over HTTP on 127.0.0.1 by a thread."
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown(); server.server_close()


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    "Debian's Chromium, headless, with a fresh profile."
    from playwright.sync_api import sync_playwright
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp('chromium-profile')), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={'width': 1280, 'height': 900})
        yield context
        context.close()


def _local(url: str) -> bool:
    "Whether a request stays on this machine."
    parts = urlsplit(url)
    return parts.scheme in ('data', 'blob', 'about', 'file') or parts.hostname == '127.0.0.1'


def _open(browser, url: str):
    "A new page at `url`, recording console errors and every request."
    page = browser.new_page()
    page.errors, page.requests = [], []
    page.on('console', lambda m: page.errors.append(f"console: {m.text}") if m.type == 'error' else None)
    page.on('pageerror', lambda e: page.errors.append(f"pageerror: {e}"))
    page.on('request', lambda r: page.requests.append(r.url))
    page.goto(url, wait_until='networkidle')
    return page


def _search(page, query: str) -> list:
    "Type `query` in the search box and return the result links."
    # The search index loads in a worker after the page; on a loaded machine a query typed before it is ready can be
    # lost, so type it again every few seconds until results show (up to a minute).
    box = 'input.md-search__input'
    page.fill(box, query)
    for attempt in range(12):
        try:
            page.wait_for_selector('.md-search-result__item a', timeout=5_000); break
        except Exception:
            if attempt == 11: raise
            page.focus(box); page.keyboard.press('End'); page.keyboard.type(' '); page.keyboard.press('Backspace')  # re-run the query
    page.wait_for_timeout(500)  # let the results panel finish fading in before a screenshot
    return page.eval_on_selector_all('.md-search-result__item a', 'els => els.map(e => e.href)')


def _check_page(page, title: str, shot: str):
    "Title, images, console and requests of a loaded page; saves a screenshot."
    page.screenshot(path=str(SHOTS/f"{shot}.png"))
    assert page.title() == title
    images = page.eval_on_selector_all('img', 'els => els.map(e => [e.src, e.complete && e.naturalWidth])')
    assert all(width for _, width in images), f"images that did not load: {[s for s, w in images if not w]}"
    assert page.errors == [], page.errors
    assert [u for u in page.requests if not _local(u)] == []


def test_home_page(browser, base_url, site):
    page = _open(browser, base_url + 'index.html')
    _check_page(page, 'insight_project', 'home')
    assert page.eval_on_selector_all('img', 'els => els.length') >= 1  # the pipeline figure
    assert page.locator('nav.md-nav--primary').get_by_text('Config').count() >= 1


def test_api_page_and_search(browser, base_url):
    page = _open(browser, base_url + 'config.html')
    _check_page(page, 'Config - insight_project', 'config')
    assert page.locator("#load_config").count() == 1  # nbdev's anchor (pandoc id), kept
    links = _search(page, 'load_config')
    page.screenshot(path=str(SHOTS/'search.png'))
    assert any(re.search(r'/config\.html([?#]|$)', link) for link in links), links
    assert [u for u in page.requests if not _local(u)] == []


def test_analysis_page(browser, base_url, site):
    present = [name for name in ANALYSIS_PAGES if (site/f"{name}.html").is_file()]
    if not present: pytest.skip(f"no analysis page in the site (looked for {', '.join(ANALYSIS_PAGES)})")
    name = next((n for n in present if '<img' in (site/f"{n}.html").read_text()), present[0])
    page = _open(browser, base_url + f"{name}.html")
    title = re.search(r'<title>(.*?)</title>', (site/f"{name}.html").read_text()).group(1)
    _check_page(page, title.replace('&amp;', '&'), f"analysis-{name}")
    if page.locator('article img').count(): page.locator('article img').first.scroll_into_view_if_needed()
    page.wait_for_timeout(400)  # the header title animates after a scroll
    page.screenshot(path=str(SHOTS/f"analysis-{name}-figure.png"))


def test_search_from_file(browser, site):
    "Opened from disk, search still works (iframe-worker polyfill) and nothing is fetched from elsewhere."
    page = _open(browser, (site/'index.html').as_uri())
    links = _search(page, 'load_config')
    page.screenshot(path=str(SHOTS/'search-file.png'))
    assert any('config.html' in link for link in links), links
    assert page.errors == [], page.errors
    assert [u for u in page.requests if not _local(u)] == []


def _analysis_pages() -> list:
    "The site pages (HTML names) made from the analysis notebooks nbs/12_*, 13_*, 14_*."
    from insight_project.docs import page_path
    notebooks = sorted(p.name for n in (12, 13, 14) for p in (ROOT/'nbs').glob(f"{n}_*.ipynb"))
    return [page_path(nb)[:-3] + '.html' for nb in notebooks]


def test_analysis_pages_show_tables(site):
    "Each analysis page shows its results as HTML tables (not as text printed in a code block)."
    pages = _analysis_pages()
    assert len(pages) == 3, pages
    no_table = [name for name in pages
                if not re.search(r'<article\b.*<table\b', (site/name).read_text(encoding='utf-8'), re.S)]
    assert no_table == [], f"analysis pages without an HTML <table>: {no_table}"


def _local_paths() -> re.Pattern:
    "What must never appear on a page: a temporary or machine-local path, or a `+dirty` version."
    fixed = ['/var/folders/', '/private/var/', str(ROOT) + '/', str(Path.home()) + '/']
    temporary = [r'/tmp/(?:tmp|pytest-of-)[\w.-]+',  # tempfile's and pytest's folders
                 r'/tmp/[\w.-]*[-_][a-z0-9_]{8}\b']  # mkdtemp(prefix=...): a prefix and 8 random characters
    return re.compile('|'.join([re.escape(f) for f in fixed] + temporary + [r'\b[0-9a-f]{7,40}\+dirty\b']))


def test_no_local_paths(site):
    "No page of the site (nor its search index) shows a temporary or machine-local path, or a `+dirty` hash."
    pattern, found = _local_paths(), {}
    for path in sorted(site.rglob('*')):
        if path.suffix not in ('.html', '.js', '.json') or 'assets' in path.relative_to(site).parts: continue
        text = path.read_text(encoding='utf-8', errors='replace')
        hits = [text[max(m.start() - 40, 0):m.end() + 40].replace('\n', ' ') for m in pattern.finditer(text)]
        if hits: found[path.relative_to(site).as_posix()] = hits[:3]
    assert found == {}, '\n'.join(f"{page}: {hits}" for page, hits in found.items())
