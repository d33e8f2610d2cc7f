"""The README's screenshots of the main pages, made with headless Chromium (Debian's chromium and
chromium-driver) against a running chengxin, e.g. ``chengxin demo``:

    python bench/screenshots.py http://127.0.0.1:5000 [--out docs/screenshots] [--lang zh]

The pages are found through the JSON twins (the riskiest firm, a rotating-winners ring, two of its
firms for the relationship finder), so the script works on any loaded graph.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote


def get_json(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=120) as r:
        return json.load(r)


def chromium(width: int, height: int):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--hide-scrollbars", f"--window-size={width},{height}", f"--user-data-dir={tempfile.mkdtemp()}"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)


def settle(driver, seconds: float = 20) -> None:
    """Wait for the graphs to stop moving and the charts to draw (or the time to pass)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pending = driver.execute_script("""
            var n = 0;
            document.querySelectorAll('[data-graph]').forEach(function (b) { if (b.getAttribute('data-stabilized') !== '1') n++; });
            document.querySelectorAll('[data-chart]').forEach(function (b) { if (!b.hasAttribute('data-chart-drawn')) n++; });
            var f = document.getElementById('graph-frame');
            if (f && f.contentDocument && f.contentDocument.body.getAttribute('data-stabilized') !== '1') n++;
            return n;""")
        if not pending:
            break
        time.sleep(0.3)
    time.sleep(0.8)


def shoot(driver, url: str, out: Path, full_height: int | None = None) -> None:
    driver.get(url)
    settle(driver)
    if full_height:
        height = min(driver.execute_script("return document.documentElement.scrollHeight"), full_height)
        driver.set_window_size(driver.get_window_size()["width"], height)
        settle(driver, 3)
    driver.save_screenshot(str(out))
    print(out, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", help="the running app, e.g. http://127.0.0.1:5000")
    ap.add_argument("--out", default="docs/screenshots")
    ap.add_argument("--lang", default="zh")
    args = ap.parse_args()
    base, out = args.base.rstrip("/"), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lang = f"lang={args.lang}"

    ranking = get_json(base, "/api/risk?limit=20")
    rows = ranking.get("rows") or ranking.get("ranking") or []
    firm = next((r["uscc"] for r in rows if str(r.get("uscc", "")).startswith("91")), rows[0]["uscc"] if rows else None)
    flags = get_json(base, "/api/flags/bid_rotation")
    for _ in range(60):  # the first visit starts the red-flag run: wait for it
        if not flags.get("pending"):
            break
        time.sleep(3)
        flags = get_json(base, "/api/flags/bid_rotation")
    ring = max(flags.get("hits", []), key=lambda h: len(h["firms"]), default=None)
    a, b = (ring["firms"][0], ring["firms"][-1]) if ring else (firm, firm)

    driver = chromium(1280, 1000)
    try:
        shoot(driver, f"{base}/?{lang}", out / "home.png", full_height=1500)
        driver.set_window_size(1280, 1000)
        if firm:
            shoot(driver, f"{base}/enterprise/{quote(firm)}?{lang}", out / "enterprise.png", full_height=1700)
            driver.set_window_size(1280, 1000)
        shoot(driver, f"{base}/flags/bid_rotation?{lang}", out / "flag-bid-rotation.png", full_height=1300)
        driver.set_window_size(1280, 1000)
        shoot(driver, f"{base}/path?from=enterprise:{quote(a)}&to=enterprise:{quote(b)}&limit=60&{lang}",
              out / "path.png", full_height=1400)
        driver.set_window_size(390, 844)
        if firm:
            shoot(driver, f"{base}/enterprise/{quote(firm)}?{lang}", out / "phone-enterprise.png")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
