#!/usr/bin/env python3
"""Takes phone-sized screenshots of the main pages of a running demo city, through
chromedriver (WebDriver) and Debian's chromium. Usage:

    meguri demo --db /tmp/demo.db --addr 127.0.0.1:8080 &
    scripts/screens.py http://127.0.0.1:8080 docs/screens
"""
import base64, json, os, subprocess, sys, time, urllib.request, tempfile

base, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
port = 9517
driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def call(method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)["value"]

for _ in range(100):
    try:
        call("GET", "/status"); break
    except Exception:
        time.sleep(0.1)

args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=390,844", f"--user-data-dir={tempfile.mkdtemp()}"]
session = call("POST", "/session", {"capabilities": {"alwaysMatch": {
    "browserName": "chrome", "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args,
        "prefs": {"intl.accept_languages": "ja"}}}}})["sessionId"]
S = f"/session/{session}"

def go(path):
    call("POST", f"{S}/url", {"url": base + path})

def find(css):
    v = call("POST", f"{S}/element", {"using": "css selector", "value": css})
    if not isinstance(v, dict) or len(v) != 1:
        raise SystemExit(f"{css}: {v}")
    return next(iter(v.values()))

def shot(name):
    # Full page: size the window to the document's height first.
    h = call("POST", f"{S}/execute/sync", {"script": "return document.documentElement.scrollHeight", "args": []})
    call("POST", f"{S}/window/rect", {"width": 390, "height": max(844, min(h + 140, 3000))})
    png = call("GET", f"{S}/screenshot")
    open(os.path.join(out, name + ".png"), "wb").write(base64.b64decode(png))
    call("POST", f"{S}/window/rect", {"width": 390, "height": 844})

def login(user, password):
    go("/login")
    call("POST", f"{S}/element/{find('#f-login')}/value", {"text": user})
    call("POST", f"{S}/element/{find('#f-password')}/value", {"text": password})
    call("POST", f"{S}/element/{find('button.primary')}/click", {})

def sample_photo():
    """A 480x270 PNG (a shop-front-like pattern), written with zlib only."""
    import struct, zlib
    w, h = 480, 270
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            awning = y < 60 and (x // 40) % 2 == 0
            r, g, b = (200, 60, 50) if awning else ((240, 230, 210) if y < 60 else (120 + x // 8, 150 + y // 6, 110))
            row += bytes([r % 256, g % 256, b % 256])
        rows.append(bytes(row))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
    path = os.path.join(tempfile.mkdtemp(), "store.png")
    open(path, "wb").write(png)
    return path

def logout():
    call("DELETE", f"{S}/cookie")

try:
    go("/"); shot("01-start")
    go("/login"); shot("02-login")
    go("/register"); shot("03-register")
    login("hanako", "demo-hanako"); go("/app"); shot("04-resident-home")
    go("/app/charge"); shot("04b-charge")
    go("/stores"); shot("04c-stores")
    go("/app/qr"); shot("04d-payment-code")
    go("/app/history"); shot("04e-history")
    # The home and the two ways to pay, in each language.
    for lang in ["ja", "ja-easy", "en", "pt", "vi"]:
        go(f"/lang?to={lang}&next=/app"); shot(f"lang-{lang}-1-home")
        go("/app/scan"); shot(f"lang-{lang}-2-pay-by-store-code")
        go("/app/qr"); shot(f"lang-{lang}-3-my-payment-code")
    go("/lang?to=ja&next=/app"); logout()
    go("/apply"); shot("03b-store-application")
    login("shop", "demo-shop"); go("/shop"); shot("05-store-menu"); go("/shop/till"); shot("05b-till"); go("/shop/cpm"); shot("05c-take-code")
    go("/shop/profile")
    call("POST", f"{S}/element/{find('#f-photo')}/value", {"text": sample_photo()})
    upload_button = find("form[action='/shop/photo'] button")
    call("POST", f"{S}/element/{upload_button}/click", {})
    shot("05d-store-profile")
    go("/stores/1"); shot("04f-store-page"); logout()
    login("office", "demo-office"); go("/office"); shot("06-secretariat-menu"); go("/office/programs"); shot("07-programs"); go("/office/stores"); shot("07b-stores")
    go("/office/residents?phone=090-1111-2222"); shot("07c-find-resident"); logout()
    login("admin", "demo-admin"); go("/admin"); shot("08-admin-menu"); go("/admin/accounts"); shot("09-accounts")
    go("/admin/maintenance"); shot("10-maintenance"); logout()
finally:
    call("DELETE", S)
    driver.terminate()
