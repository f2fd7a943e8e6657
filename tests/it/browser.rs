//! Browser tests: Debian's chromium driven over WebDriver (chromedriver), as a resident
//! on a phone-sized window would use the pages, JavaScript included.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::support::{Server, request};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub(crate) struct Driver {
    child: Child,
    port: u16,
    _turn: std::sync::MutexGuard<'static, ()>,
}

/// One browser at a time: several headless Chromiums at once on two cores made page loads
/// stall now and then.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Driver {
    pub(crate) fn start() -> Driver {
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Its own process group, so that dropping the driver ends the browsers it started.
        use std::os::unix::process::CommandExt;
        let mut child = Command::new("chromedriver")
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver is installed by scripts/test.sh (Debian package chromium-driver)",
            );
        // chromedriver says when it listens.
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        while !line.contains("started successfully") {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "chromedriver exited");
        }
        // Keep reading what it prints later (warnings about the page), or its writes
        // to a closed pipe stall it.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Driver {
            child,
            port,
            _turn: turn,
        }
    }

    pub(crate) fn session(&self) -> Browser<'_> {
        let dir = crate::support::TempDir::new();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=390,844",
            "--lang=ja",
            &format!("--user-data-dir={}", dir.0.display()),
        ];
        let v = self.call(
            "POST",
            "/session",
            // "eager": navigation returns once the document is parsed; finding elements
            // waits (implicitly, below) for what comes later.
            Some(json!({ "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "eager",
                // A phone set to Japanese, as most residents' are: the pages follow the
                // browser's language on a first visit.
                "goog:chromeOptions": {
                    "binary": "/usr/bin/chromium",
                    "args": args,
                    "prefs": { "intl.accept_languages": "ja" },
                },
            } } })),
        );
        let id = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_owned();
        let b = Browser {
            driver: self,
            id,
            _profile: dir,
        };
        // Finding an element waits up to 10 s for it (across navigations).
        b.call("POST", "/timeouts", Some(json!({ "implicit": 10_000 })));
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let addr = format!("127.0.0.1:{}", self.port);
        let data = body.map(|b| b.to_string()).unwrap_or_default();
        let r = request(
            &addr,
            method,
            path,
            &[("Content-Type", "application/json")],
            data.as_bytes(),
        );
        let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
        assert!(r.status < 400, "WebDriver {method} {path}: {}", r.text());
        v["value"].clone()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SAFETY: signals the process group this driver leads; no memory is touched.
        unsafe {
            libc::killpg(self.child.id() as libc::pid_t, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

pub(crate) struct Browser<'a> {
    driver: &'a Driver,
    id: String,
    _profile: crate::support::TempDir,
}

impl Browser<'_> {
    pub(crate) fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .call(method, &format!("/session/{}{path}", self.id), body)
    }

    pub(crate) fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    pub(crate) fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_owned()
    }

    pub(crate) fn type_in(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    pub(crate) fn click(&self, css: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    pub(crate) fn text(&self, css: &str) -> String {
        let e = self.find(css);
        self.call("GET", &format!("/element/{e}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub(crate) fn value(&self, css: &str) -> String {
        let e = self.find(css);
        self.call("GET", &format!("/element/{e}/property/value"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits (the session's implicit wait, 10 s) until an element matching `css` (a tag
    /// and optional classes, with descendants) holds `needle`. An XPath with the text in
    /// it matches only on the page that says it, so a page still being replaced after
    /// Back or a reload cannot answer instead.
    pub(crate) fn wait_text(&self, css: &str, needle: &str) {
        let steps: Vec<String> = css
            .split_whitespace()
            .map(|step| {
                let mut parts = step.split('.');
                let tag = parts.next().filter(|t| !t.is_empty()).unwrap_or("*");
                let classes: String = parts
                    .map(|c| format!("[contains(concat(' ', @class, ' '), ' {c} ')]"))
                    .collect();
                format!("{tag}{classes}")
            })
            .collect();
        let xpath = format!("//{}[contains(., '{needle}')]", steps.join("//"));
        let v = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "xpath", "value": xpath })),
        );
        assert!(v[ELEMENT].is_string(), "{css} never said {needle:?}: {v}");
    }

    pub(crate) fn path(&self) -> String {
        let url = self
            .call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let rest = url.split_once("//").map(|(_, r)| r).unwrap_or(&url);
        rest.find('/')
            .map(|i| rest[i..].to_owned())
            .unwrap_or_default()
    }

    /// Runs `js` in the page until it calls its callback (`arguments[0]`); returns the value.
    pub(crate) fn run_until_done(&self, js: &str) -> Value {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": js, "args": [] })),
        )
    }

    /// Saves a screenshot under target/screens for a person to look at.
    pub(crate) fn screenshot(&self, name: &str) {
        let png = self.call("GET", "/screenshot", None);
        let bytes = crate::support::decode_base64(png.as_str().unwrap_or_default());
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screens");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), bytes).unwrap();
    }
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        // Close the browser even when a test failed, and never panic here.
        use std::io::{Read, Write};
        if let Ok(mut c) = std::net::TcpStream::connect(("127.0.0.1", self.driver.port)) {
            let _ = c.set_read_timeout(Some(std::time::Duration::from_secs(10)));
            let _ = write!(
                c,
                "DELETE /session/{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                self.id
            );
            let _ = c.read(&mut [0u8; 512]);
        }
    }
}

#[test]
fn a_new_resident_registers_charges_and_pays_by_the_store_qr() {
    let s = Server::start();
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let base = format!("http://{}", s.addr);
    let d = Driver::start();
    let b = d.session();

    b.go(&format!("{base}/register"));
    b.type_in("#f-display_name", "山田 花子");
    b.type_in("#f-login", "hanako");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("ol.steps");
    assert_eq!(b.text("h1"), "はじめての方へ");
    b.screenshot("welcome");

    b.go(&format!("{base}/app/charge"));
    b.click("input[name=preset][value='5000']");
    b.click("button.primary");
    b.find("form[action='/app/charge']");
    b.wait_text("h1", "チャージの確認");
    b.click("button.primary");
    b.find("dl.receipt");
    assert_eq!(b.text("h1"), "チャージ完了");

    // The resident's camera opened the store's QR: the payment page.
    b.go(&format!("{base}/p/{code}"));
    assert_eq!(b.text("strong.store"), "めぐり青果店");
    for key in ["1", "2", "8", "0"] {
        b.click(&format!(".keypad button[data-key='{key}']"));
    }
    assert_eq!(
        b.value("#f-amount"),
        "1280",
        "the on-screen keypad fills the amount"
    );
    b.screenshot("pay-amount");
    b.click("button.primary");
    b.wait_text("p.big-amount", "1,280円");
    b.click("button.primary");
    assert_eq!(b.text("section.done p.amount"), "1,280円");
    assert!(b.path().starts_with("/app/payments/"));
    b.screenshot("completion");
    // A reload shows the same receipt and pays nothing more.
    b.call("POST", "/refresh", Some(json!({})));
    b.go(&format!("{base}/app"));
    assert_eq!(b.text("p.total"), "3,720円");
    s.verify();
}

#[test]
fn the_payment_code_page_turns_into_the_completion_screen_when_a_store_charges_it() {
    let s = Server::start();
    let (store, _, merchant) = s.store("喫茶 ひだまり", "cafe");
    let (id, token) = s.resident("taro");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 3000, "method": "credit_card" }),
    );
    let base = format!("http://{}", s.addr);
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("{base}/login"));
    b.type_in("#f-login", "taro");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("p.total");
    b.go(&format!("{base}/app/qr"));
    let code = b.text("p.code-text code");
    b.screenshot("payment-code");
    let r = s.as_(&merchant).post(
        &format!("/api/v1/stores/{store}/payments"),
        &json!({ "token": code, "amount": 480 }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    // The page polls and moves on by itself; finding the screen waits for it.
    assert_eq!(b.text("section.done p.amount"), "480円");
    assert_eq!(b.text("section.done p.store"), "喫茶 ひだまり");
    s.verify();
}

#[test]
fn a_payment_appears_on_the_stores_till_without_reloading() {
    let s = Server::start();
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let (id, token) = s.resident("hanako");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 3000, "method": "credit_card" }),
    );
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("http://{}/login", s.addr));
    b.type_in("#f-login", "seika");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("section.store-qr");
    b.go(&format!("http://{}/shop/till", s.addr));
    assert_eq!(b.text("#takings"), "0円");
    let r = s.as_(&token).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 1280 }),
    );
    assert_eq!(r.status, 201);
    // The page polls; finding the new line waits for it.
    assert!(b.text("#feed li.new").contains("1,280円"));
    assert_eq!(b.text("#takings"), "1,280円");
    b.screenshot("till");
    s.verify();
}

/// A QR code of `text` as an SVG file, large enough for a decoder to read.
fn qr_file(text: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).unwrap();
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="480" height="480" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    );
    let file = dir.join("code.svg");
    std::fs::write(&file, svg).unwrap();
    file
}

#[test]
fn the_till_reads_a_customers_code_from_a_photo_and_takes_the_payment() {
    let s = Server::start();
    let (_, _, _) = s.store("喫茶 ひだまり", "cafe");
    let (id, token) = s.resident("taro");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 3000, "method": "credit_card" }),
    );
    let code = s.as_(&token).get("/api/v1/me/qr-token").json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = crate::support::TempDir::new();
    let photo = qr_file(&code, &dir.0);
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("http://{}/login", s.addr));
    b.type_in("#f-login", "cafe");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("section.store-qr");
    b.go(&format!("http://{}/shop/cpm", s.addr));
    b.type_in("#scan-photo", photo.to_str().unwrap());
    b.find(".scanner.read");
    assert_eq!(
        b.value("#f-code"),
        code,
        "the decoder read the customer's code from the photo"
    );
    for key in ["4", "8", "0"] {
        b.click(&format!(".keypad button[data-key='{key}']"));
    }
    b.click("button.primary");
    assert_eq!(b.text("section.done p.amount"), "480円");
    b.screenshot("till-cpm-done");
    assert_eq!(
        s.as_(&token).get("/api/v1/me/balance").json()["total"],
        2520
    );
    s.verify();
}

/// A 1×1 PNG.
const PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

#[test]
fn the_owner_chooses_a_photo_on_the_phone_and_the_directory_shows_it() {
    let s = Server::start();
    let (id, _, _) = s.store("写真のある店", "photoshop");
    let dir = crate::support::TempDir::new();
    let photo = dir.0.join("store.png");
    std::fs::write(&photo, crate::support::decode_base64(PIXEL_PNG)).unwrap();
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("http://{}/login", s.addr));
    b.type_in("#f-login", "photoshop");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("section.store-qr");
    b.go(&format!("http://{}/shop/profile", s.addr));
    b.type_in("#f-photo", photo.to_str().unwrap());
    b.click("form[action='/shop/photo'] button");
    assert!(b.text(".notice").contains("写真を登録しました"));
    b.go(&format!("http://{}/stores/{id}", s.addr));
    // The browser decodes the picture: it is served as an image the page can show.
    let width = b.run_until_done(
        "const done = arguments[0]; const img = document.querySelector('img.store-photo');
         if (img.complete) { done(img.naturalWidth); }
         else { img.onload = () => done(img.naturalWidth); img.onerror = () => done(0); }",
    );
    assert_eq!(width, 1, "the photo loads in the store page");
    s.verify();
}

#[test]
fn back_reload_and_pressing_again_pay_and_charge_once() {
    let s = Server::start();
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let (id, token) = s.resident("modoru");
    let r = s.as_(&s.admin()).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 5000, "method": "admin" }),
    );
    assert_eq!(r.status, 201);
    let base = format!("http://{}", s.addr);
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("{base}/login"));
    b.type_in("#f-login", "modoru");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("p.total");

    b.go(&format!("{base}/p/{code}"));
    b.type_in("#f-amount", "1200");
    b.click("button.primary");
    b.wait_text("p.big-amount", "1,200円");
    b.click("button.primary");
    b.wait_text("section.done p.amount", "1,200円");
    // Back from the completion screen, reload, and press 支払う if it is offered again.
    b.call("POST", "/back", Some(json!({})));
    b.call("POST", "/refresh", Some(json!({})));
    if b.path().contains("/confirm") {
        b.click("button.primary");
    }
    // The screen says it was paid already.
    b.wait_text("main", "すでに済んでいます");
    assert!(b.path().starts_with("/app/payments/"), "{}", b.path());
    b.screenshot("paid-already");
    assert_eq!(s.total(&token), 3800, "one payment");

    // The same for a charge.
    b.go(&format!("{base}/app/charge"));
    b.click("input[name=preset][value='1000']");
    b.click("button.primary");
    b.wait_text("h1", "チャージの確認");
    b.click("button.primary");
    b.wait_text("main", "チャージが完了しました");
    b.call("POST", "/back", Some(json!({})));
    b.call("POST", "/refresh", Some(json!({})));
    if b.path().contains("/confirm") {
        b.click("button.primary");
    }
    b.wait_text("main", "すでに済んでいます");
    assert_eq!(s.total(&token), 4800, "one charge");
    s.verify();
}
