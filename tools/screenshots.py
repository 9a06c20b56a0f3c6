"""Screenshots of the Overview in each language, for the README: `python -m tools.screenshots`.

Builds the demo store (as of 2026-11-23) in a temporary folder, serves it, and writes
docs/overview-en.png and docs/overview-zh.png.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from store import demo
from tools.serve import CHROMIUM, CHROMIUM_ARGS, ROOT, serving


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "demo.duckdb"
        demo.build(store, as_of=dt.date(2026, 11, 23), progress=lambda _: None)
        with serving(store) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            for lang, ready in (("en", "Abnormal customers"), ("zh", "异常客户预警")):
                page.goto(f"{url}/?lang={lang}")
                page.get_by_text(ready).wait_for(timeout=60_000)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1500)
                page.screenshot(path=str(ROOT / "docs" / f"overview-{lang}.png"))
            browser.close()


if __name__ == "__main__":
    main()
