"""The corridor map in headless Chromium with no internet: land, corridors, places, selection, XSS, export.

Pixels are read from the deck's canvas: the land colour of Kazakhstan at a point inside it, and the
Trans-Caspian red along the Zhezkazgan–Saksaulskaya leg, in the light and the dark theme. The view is the
"Kazakhstan" preset, so a lon/lat maps to a pixel by the Web Mercator formula deck.gl uses.
"""

from __future__ import annotations

import base64
import io
import math
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from qazdash import maps
from qazdash.datasets import load_shipped
from qazdash.store import Store
from tests.browser.conftest import assert_clean, start_app, stop_app, wait_for_app

pytestmark = pytest.mark.browser

PRESET = maps.FIXED_PRESETS["kazakhstan"]
INSIDE_KAZAKHSTAN = (64.5, 49.5)  # steppe between Kostanay and Zhezkazgan: no leg, place or label near
TITR_LEG = ((67.7063, 47.7941), (61.1524, 47.0815))  # Zhezkazgan → Saksaulskaya, Trans-Caspian only
TITR_RED = (214, 39, 40)
XSS_NAME = '<img src=x onerror="window.__xss=1">'
XSS_NOTE = "<script>window.__xss=1</script>"
XSS_POINT = (58.5, 48.0)  # western Kazakhstan, clear of legs and other places
DECK = '[data-testid="stDeckGlJsonChart"]'


def merc_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def to_pixel(lon: float, lat: float, width: float, height: float) -> tuple[float, float]:
    scale = 512 * 2 ** PRESET.zoom
    x = (lon - PRESET.longitude) / 360 * scale + width / 2
    y = (merc_y(PRESET.latitude) - merc_y(lat)) / (2 * math.pi) * scale + height / 2
    return x, y


def mercator_midpoint(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    y = (merc_y(a[1]) + merc_y(b[1])) / 2
    return (a[0] + b[0]) / 2, math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def canvas_image(page, selector: str = f"{DECK} canvas"):
    """The canvas as an image (a page screenshot clipped to it: no wait for 'stable' layout)."""
    from PIL import Image

    canvas = page.locator(selector).first
    canvas.scroll_into_view_if_needed(timeout=120_000)
    box = canvas.bounding_box()
    png = page.screenshot(clip=box, timeout=120_000)
    return Image.open(io.BytesIO(png)).convert("RGB")


def near(pixel, color, tol=30) -> bool:
    return all(abs(int(p) - int(c)) <= tol for p, c in zip(pixel, color, strict=False))


def share_in_window(img, x: float, y: float, color, radius: int = 4) -> float:
    hits = total = 0
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            px, py = int(x) + dx, int(y) + dy
            if 0 <= px < img.width and 0 <= py < img.height:
                total += 1
                hits += near(img.getpixel((px, py)), color)
    return hits / max(total, 1)


def wait_for_pixels(page, checks, timeout: float = 120.0):
    """Poll canvas screenshots until every (lon, lat, colour, share) check holds; returns the image."""
    deadline = time.monotonic() + timeout
    while True:
        img = canvas_image(page)
        results = [share_in_window(img, *to_pixel(lon, lat, img.width, img.height), color) >= share
                   for lon, lat, color, share in checks]
        if all(results) or time.monotonic() > deadline:
            return img, results
        page.wait_for_timeout(1000)


def block_internet(page) -> list[str]:
    """Abort every request that does not go to the local app: the map must not need them."""
    blocked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "file:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    return blocked


def open_map(page, url: str, query: str = "") -> list[str]:
    blocked = block_internet(page)
    page.goto(f"{url}/map?map_view=kazakhstan{query}", timeout=180_000)
    wait_for_app(page, timeout=180_000)
    expect(page.locator(f"{DECK} canvas").first).to_be_attached(timeout=180_000)
    return blocked


def assert_map_draws(page, theme: str, out: Path) -> None:
    colors = maps.THEMES[theme]
    mid = mercator_midpoint(*TITR_LEG)
    img, results = wait_for_pixels(page, [
        (*INSIDE_KAZAKHSTAN, tuple(colors.kazakhstan), 0.8),
        (*mid, TITR_RED, 0.1),
    ])
    img.save(out)
    assert results == [True, True], f"land/corridor pixels missing; see {out}"
    # the sea colour is there too (the Caspian, west of Kazakhstan)
    x, y = to_pixel(50.5, 42.0, img.width, img.height)
    assert share_in_window(img, x, y, tuple(colors.sea)) > 0.5


def test_map_draws_land_corridors_places_and_legend_offline(page, app_url, tmp_path):
    blocked = open_map(page, app_url)
    assert_map_draws(page, "light", tmp_path / "map_light.png")
    legend = page.locator(".st-key-map_legend img")
    expect(legend).to_be_visible()
    src = legend.get_attribute("src") or ""
    svg = base64.b64decode(src.split("base64,", 1)[1]).decode("utf-8") if "base64," in src else src
    for entry in ("Trans-Caspian International Transport Route", "Northern route via Russia", "Rail", "Sea",
                  "Caspian ferry", "Seaport", "Border crossing", "Dry port"):
        assert entry in svg, entry
    # no tile server or other internet host is asked (icon fonts of Streamlit itself aside)
    assert not [u for u in blocked if "cartocdn" in u or "mapbox" in u or "tile" in u], blocked
    assert_clean(page)


@pytest.fixture(scope="module")
def dark_app() -> Iterator[str]:
    server = start_app(theme="dark")
    yield server.url
    stop_app(server)


def test_map_draws_in_the_dark_theme(page, dark_app, tmp_path):
    open_map(page, dark_app)
    assert_map_draws(page, "dark", tmp_path / "map_dark.png")
    assert_clean(page)


@pytest.fixture(scope="module")
def xss_app() -> Iterator[str]:
    """An app whose store holds a place with markup in its name and notes."""
    server = start_app()
    store = Store.open(server.database_url(), seed=load_shipped)
    nodes = store.read("nodes")
    evil = {c: None for c in nodes.columns} | {
        "node_id": "kz_xss_test", "name_en": XSS_NAME, "name_ru": XSS_NAME, "name_kk": XSS_NAME,
        "country_iso3": "KAZ", "kind": "dry_port", "lat": XSS_POINT[1], "lon": XSS_POINT[0],
        "coord_check": XSS_NOTE, "notes": XSS_NOTE, "source": "javascript:window.__xss=1",
    }
    store.commit("nodes", pd.DataFrame([evil]), author="test", source_name="xss.csv", mode="append")
    store.engine.dispose()
    yield server.url
    stop_app(server)


def test_markup_in_data_is_never_run(page, xss_app):
    open_map(page, xss_app)
    page.evaluate("window.__xss = undefined")
    canvas = page.locator(f"{DECK} canvas").first
    box = canvas.bounding_box()
    x, y = to_pixel(*XSS_POINT, box["width"], box["height"])
    # hover: the tooltip shows the name as text
    tooltip = page.locator(".deck-tooltip")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        canvas.hover(position={"x": x, "y": y})
        if tooltip.count() and XSS_NAME in (tooltip.first.inner_text() or ""):
            break
        page.wait_for_timeout(1000)
    expect(tooltip.first).to_contain_text(XSS_NAME)
    assert page.evaluate("window.__xss") is None
    # select it: the details panel shows the name and the notes as text
    canvas.click(position={"x": x, "y": y})
    details = page.locator(".st-key-map_place_details")
    expect(details).to_contain_text(XSS_NAME, timeout=120_000)
    expect(details).to_contain_text(XSS_NOTE)
    expect(details.locator("img")).to_have_count(0)
    expect(details.locator("script")).to_have_count(0)
    assert page.evaluate("window.__xss") is None
    assert_clean(page)


def test_html_export_opens_offline(page, app_url, tmp_path):
    open_map(page, app_url)
    with page.expect_download(timeout=180_000) as info:
        button = page.locator(".st-key-map_export_html button")
        button.scroll_into_view_if_needed(timeout=120_000)
        button.click(timeout=120_000)
    path = tmp_path / "map.html"
    info.value.save_as(path)
    html = path.read_text(encoding="utf-8")
    assert "createDeck" in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?:", html)
    blocked = block_internet(page)
    page.goto(path.as_uri(), timeout=180_000)
    expect(page.locator("#deck-container canvas").first).to_be_attached(timeout=120_000)
    # the export keeps the page's view; the Kazakhstan colour appears where Kazakhstan is
    deadline = time.monotonic() + 120
    while True:
        img = canvas_image(page, "#deck-container canvas")
        x, y = to_pixel(*INSIDE_KAZAKHSTAN, img.width, img.height)
        ok = share_in_window(img, x, y, tuple(maps.THEMES["light"].kazakhstan)) > 0.8
        if ok or time.monotonic() > deadline:
            break
        page.wait_for_timeout(1000)
    img.save(tmp_path / "export.png")
    assert ok, f"no land drawn in the export; see {tmp_path / 'export.png'}"
    assert blocked == [], blocked
    assert not page.errors, page.errors
