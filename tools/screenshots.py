"""Screenshots of every page in both languages at 1280×720 (a meeting-room projector), for the
README and for looking at: `python -m tools.screenshots` writes docs/screenshots/<page>-<lang>.png.

Builds the demo store (as of 2026-11-23) in a temporary folder and serves it; the browser
test `test_every_page_in_both_languages_on_a_projector` takes the same pictures from the app
it serves.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from store import demo
from tools.serve import CHROMIUM, CHROMIUM_ARGS, ROOT, serving, session_for, sign_in
from ui.i18n import LANGS, text

FOLDER = ROOT / "docs" / "screenshots"
PROJECTOR = {"width": 1280, "height": 720}
# (file name, URL path): every page of the sidebar
PAGES = [("overview", ""), ("targets", "targets"), ("pipeline", "pipeline"), ("visits", "visits"),
         ("satisfaction", "satisfaction"), ("competitors", "competitors"), ("scorecard", "scorecard"),
         ("receivables", "receivables"), ("commissions", "commissions"), ("expenses", "expenses"), ("report", "report"),
         ("planning", "planning"), ("data", "data"), ("users", "users")]
READY = {"en": "Data as of", "zh": "数据截至"}  # the sidebar's as-of line: the page has run


# Every element drawn: no placeholder left (charts and tables are drawn after the page's run ends).
DRAWN = "() => !document.querySelector('[data-testid=stSkeleton]')"
# Every table on the page wider than the space it has (it would scroll sideways on a projector):
# (its width, the width it has, its headers).
TOO_WIDE = """() => [...document.querySelectorAll('[data-testid=stDataFrame]')]
  .map(d => [d.querySelector('.dvn-scroller'), d])
  .filter(([s]) => s && s.scrollWidth > s.clientWidth + 2)
  .map(([s, d]) => [s.scrollWidth, s.clientWidth, [...d.querySelectorAll('th')].map(h => h.innerText).join(' | ')])"""


def shoot(browser, url: str, token: str, folder: Path = FOLDER) -> list[str]:
    """Open every page in each language at 1280×720, logged in with session `token` (the
    head's, to see every page), and save what the first screen shows;
    returns the problems seen (an error on a page, a page that did not finish, a table wider
    than the screen leaves it)."""
    folder.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, path in PAGES:
        for lang in LANGS:
            context = browser.new_context(viewport=PROJECTOR, locale="zh-CN" if lang == "zh" else "en-US")
            sign_in(context, url, token)
            page = context.new_page()
            try:
                page.goto(f"{url}/{path}?lang={lang}")
                page.get_by_text(READY[lang]).first.wait_for(timeout=60_000)
                page.wait_for_load_state("networkidle")
                page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
                page.wait_for_function(DRAWN, timeout=60_000)
                page.wait_for_timeout(1_500)  # charts finish drawing
                failed = text("error.page", lang, ref="").split("。")[0].split(".")[0]  # the notice's first words
                if page.locator('[data-testid="stException"]').count() or page.get_by_text(failed).count():
                    problems.append(f"{name} ({lang}): an error is shown")
                problems += [f"{name} ({lang}): a table {wide} px wide in {frame} px ({headers})"
                             for wide, frame, headers in page.evaluate(TOO_WIDE)]
                page.screenshot(path=str(folder / f"{name}-{lang}.png"))
            except Exception as exc:  # noqa: BLE001 — report every page, not just the first failure
                problems.append(f"{name} ({lang}): {exc}")
            finally:
                context.close()
    return problems


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "demo.duckdb"
        demo.build(store, as_of=dt.date(2026, 11, 23), progress=lambda _: None)
        token = session_for(store, "head")
        with serving(store) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            problems = shoot(browser, url, token)
            browser.close()
    print("\n".join(problems) or f"{len(PAGES) * len(LANGS)} screenshots in {FOLDER}")


if __name__ == "__main__":
    main()
