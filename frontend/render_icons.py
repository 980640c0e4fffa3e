"""Renders the app's PNG icons (the home screen's, docs/frontend.md) from their SVGs with Debian's
Chromium, the browser the tests use: `make icons`. The PNGs are kept in the repository, so neither
`make run` nor a deployment needs a browser; run this again after changing an SVG.

- favicon.svg (rounded corners, transparent around them): the manifest's "any" icons;
- icons/icon-maskable.svg (full bleed, the mark inside the middle 60 %): the manifest's "maskable"
  icon, which Android cuts to its own shape, and the apple-touch-icon, which iOS rounds itself.
- icons/badge.svg (the mark alone, white on transparent): the small icon Android shows in its status
  bar for a notice on this device (sw.js), where only the shape counts.
"""

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parent / "static" / "wijkverband"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium-headless-shell")

#: (source SVG, size in px, PNG written)
ICONS = [
    ("favicon.svg", 192, "icons/icon-192.png"),
    ("favicon.svg", 512, "icons/icon-512.png"),
    ("icons/icon-maskable.svg", 512, "icons/icon-maskable-512.png"),
    ("icons/icon-maskable.svg", 180, "icons/apple-touch-icon.png"),
    ("icons/badge.svg", 96, "icons/badge-96.png"),
]


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for source, size, target in ICONS:
            page = browser.new_page(viewport={"width": size, "height": size})
            svg = (STATIC / source).read_text().replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            page.set_content(f'<body style="margin:0">{svg}</body>')
            page.screenshot(path=str(STATIC / target), omit_background=True)
            page.close()
            print(f"{target}: {size} × {size} px from {source}")
        browser.close()


if __name__ == "__main__":
    main()
