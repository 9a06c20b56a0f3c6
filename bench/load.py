"""Many people filtering at once: `python bench/load.py --db PATH [--sessions 20] [--changes 5]`.

Drives real Streamlit sessions over their websockets (tools/wsclient.py), as browser tabs do:
each session opens a page (the sidebar's pages in turn), then changes a sidebar filter
`--changes` times (a region, a customer tier, the period, …, chosen at random with a fixed
seed) and waits for each rerun to finish. Each session chooses its own filters, or, with
`--alike N`, the sessions follow N sequences of choices (`--alike 1`: a meeting where every
laptop follows the projector, on the same page). First one session alone does the same (the
baseline, in the same process), then `--sessions` at once. Reported: the reruns' median, 95th
percentile and slowest, each also as a ratio to the lone session's median, and every error.

Without `--url` the script serves the dashboard itself over `--db` on 127.0.0.1 (as the head);
with `--url` it drives a dashboard already running on this machine (a replica, or the proxy
of deploy/), logged in with `--token` (a session token of an account of that store). Only
loopback addresses are driven. Bounded: the whole run stops after `--seconds`.
Exits 1 when a rerun failed or the bound was reached.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.screenshots import PAGES  # noqa: E402
from tools.wsclient import Session  # noqa: E402
from ui.i18n import text  # noqa: E402

CUSTOM = text("preset.custom", "en")

FILTERS = ("regions", "tiers", "industries", "product_lines", "preset")
PAGE_NAMES = [path.removeprefix("pages/").removesuffix(".py") if path else "" for _, path in PAGES]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def one_session(url: str, cookies: dict, page: str, changes: int, seed: int,
                      times: list[float], errors: list[str], by_page: dict) -> None:
    pick = random.Random(seed)
    try:
        async with Session(url, cookies, page=page) as session:
            run = await session.rerun()
            for _ in range(changes):
                name = pick.choice(FILTERS)
                offered = run.options.get(name) or []
                if name == "preset":  # a period other than a custom one (which draws two more widgets)
                    value = pick.choice([p for p in offered if p != CUSTOM])
                else:
                    value = pick.sample(offered, k=min(len(offered), pick.choice((0, 1, 1, 2))))
                run = await session.rerun(**{name: value})
                times.append(run.seconds)
                by_page.setdefault(page, []).append(run.seconds)
    except Exception as exc:  # counted and reported, the other sessions go on
        errors.append(f"{page or 'overview'}: {type(exc).__name__}: {exc}")


async def drive(url: str, cookies: dict, sessions: int, changes: int, seed: int, together: bool = True,
                alike: int = 10**6) -> tuple[list[float], list[str], dict]:
    """`sessions` sessions on the sidebar's pages in turn (`alike` different ones at most), all
    at once or (not `together`) one after another; every rerun's time, the errors, and the
    times by page."""
    times: list[float] = []
    errors: list[str] = []
    by_page: dict[str, list[float]] = {}
    runs = [one_session(url, cookies, PAGE_NAMES[i % len(PAGE_NAMES) % alike], changes, seed + i % alike, times,
                        errors, by_page) for i in range(sessions)]
    if together:
        await asyncio.gather(*runs)
    else:
        for run in runs:
            await run
    return times, errors, by_page


def report(what: str, times: list[float], errors: list[str], alone: float | None) -> None:
    if not times:
        print(f"{what}: no rerun finished, {len(errors)} errors")
        for error in errors[:10]:
            print("  error:", error)
        return
    p50, p95, worst = (statistics.median(times), percentile(times, 0.95), max(times))
    ratio = (lambda v: f" ({v / alone:.1f}×)") if alone else (lambda v: "")
    print(f"{what}: {len(times)} reruns, p50 {p50 * 1000:,.0f} ms{ratio(p50)}, p95 {p95 * 1000:,.0f} ms{ratio(p95)}, "
          f"slowest {worst * 1000:,.0f} ms{ratio(worst)}, {len(errors)} errors")
    for error in errors[:10]:
        print("  error:", error)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="the store to serve (without --url), or to make the head's session on")
    parser.add_argument("--url", help="a dashboard already running on this machine")
    parser.add_argument("--token", help="with --url: a session token of the store served there")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--changes", type=int, default=5, help="filter changes per session")
    parser.add_argument("--seconds", type=float, default=600, help="stop the whole run after this long")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--alike", type=int, default=10**6,
                        help="the sessions follow this many sequences of choices (default: each its own)")
    args = parser.parse_args()
    from tools.serve import serving, session_for
    from ui.login import COOKIE

    if args.url and urlparse(args.url).hostname not in LOOPBACK:
        parser.error("only a dashboard on this machine (127.0.0.1) is driven")
    if not args.url and not args.db:
        parser.error("give --db (the script serves it) or --url and --token")
    token = args.token or session_for(args.db, "head")
    cookies = {COOKIE: token}
    started = time.monotonic()

    async def both(url: str) -> int:
        alone, alone_errors, by_page = await drive(url, cookies, len(PAGE_NAMES), args.changes, args.seed,
                                                   together=False)
        report("one session at a time, every page", alone, alone_errors, None)
        print("  median by page: " + ", ".join(f"{page or 'overview'} {statistics.median(t) * 1000:,.0f} ms"
                                                for page, t in by_page.items()))
        many, errors, _ = await drive(url, cookies, args.sessions, args.changes, args.seed + 1000,  # other views
                                      alike=args.alike)
        alike = f", following {args.alike} sequence(s) of choices" if args.alike < args.sessions else ""
        report(f"{args.sessions} sessions at once{alike}", many, errors, statistics.median(alone) if alone else None)
        return 1 if errors or alone_errors else 0

    async def bounded(url: str) -> int:
        try:
            return await asyncio.wait_for(both(url), args.seconds)
        except TimeoutError:
            print(f"stopped after {args.seconds:.0f} s (--seconds)")
            return 1

    if args.url:
        code = asyncio.run(bounded(args.url))
    else:
        with serving(Path(args.db)) as url:
            code = asyncio.run(bounded(url))
    print(f"{time.monotonic() - started:.0f} s in all")
    return code


if __name__ == "__main__":
    sys.exit(main())
