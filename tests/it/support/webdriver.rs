//! WebDriver clients for the browser tests: Debian's chromium through chromedriver, and
//! WebKitGTK (Safari's engine) through WebKitWebDriver on a virtual display, both at
//! phone size.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use super::request;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The browser engine a driver runs: Chromium, or WebKit (Safari's engine, in Debian's
/// WebKitGTK MiniBrowser on a virtual display).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    Chromium,
    WebKit,
}

pub(crate) struct Driver {
    engine: Engine,
    /// WebKit's virtual display.
    xvfb: Option<Child>,
    child: Child,
    port: u16,
    _turn: std::sync::MutexGuard<'static, ()>,
}

/// One browser at a time: several headless Chromiums at once on two cores made page loads
/// stall now and then.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Driver {
    pub(crate) fn start() -> Driver {
        Driver::start_engine(Engine::Chromium)
    }

    pub(crate) fn start_engine(engine: Engine) -> Driver {
        if engine == Engine::WebKit {
            return Driver::start_webkit();
        }
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
            engine,
            xvfb: None,
            child,
            port,
            _turn: turn,
        }
    }

    /// Xvfb picks a free display and names it on a pipe; WebKitWebDriver runs on it in a
    /// process group of its own and says nothing when it listens, so `/status` is polled.
    fn start_webkit() -> Driver {
        use std::io::Read;
        use std::os::unix::process::CommandExt;
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed by scripts/test.sh (Debian package xvfb)");
        // The number, then the newline: read both, or Xvfb fails writing the second.
        let mut out = xvfb.stdout.take().unwrap();
        let mut display = Vec::new();
        let mut byte = [0u8; 1];
        while byte[0] != b'\n' {
            assert_eq!(out.read(&mut byte).unwrap(), 1, "Xvfb exited");
            display.push(byte[0]);
        }
        let display = format!(":{}", String::from_utf8_lossy(&display).trim());
        let child = Command::new("WebKitWebDriver")
            .process_group(0)
            .arg(format!("--port={port}"))
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("WebKitWebDriver is installed by scripts/test.sh (webkit2gtk-driver)");
        let mut d = Driver {
            engine: Engine::WebKit,
            xvfb: Some(xvfb),
            child,
            port,
            _turn: turn,
        };
        // A busy machine may take seconds to start it: wait on the port, not a count.
        let addr = format!("127.0.0.1:{port}");
        assert!(
            super::wait_until_listening(&addr, &mut d.child, std::time::Duration::from_secs(60)),
            "WebKitWebDriver never listened"
        );
        d
    }

    pub(crate) fn session(&self) -> Browser<'_> {
        if self.engine == Engine::WebKit {
            return self.webkit_session();
        }
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
                    // A phone's viewport: headless Chromium will not make a window
                    // narrower than 500 px, so the device is emulated.
                    "mobileEmulation": { "deviceMetrics": {
                        "width": PHONE.0, "height": PHONE.1, "pixelRatio": 1.0,
                        "mobile": true, "touch": true,
                    } },
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
        b.assert_phone_sized();
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let addr = format!("127.0.0.1:{}", self.port);
        let data = body.map(|b| b.to_string()).unwrap_or_default();
        // WebKit answers "no such frame" to a command sent while the page is being
        // replaced by the next one (a form sent): send it again, to the new page.
        for _ in 0..50 {
            let r = request(
                &addr,
                method,
                path,
                &[("Content-Type", "application/json")],
                data.as_bytes(),
            );
            let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            if r.status >= 400 && v["value"]["error"] == "no such frame" {
                continue;
            }
            assert!(r.status < 400, "WebDriver {method} {path}: {}", r.text());
            return v["value"].clone();
        }
        panic!("WebDriver {method} {path}: the page never settled")
    }
}

impl Driver {
    /// MiniBrowser full screen, resized to a phone: an exact 390 × 844 viewport. The
    /// language cookie stands for a Japanese phone (MiniBrowser asks for English).
    fn webkit_session(&self) -> Browser<'_> {
        let v = self.call(
            "POST",
            "/session",
            Some(json!({ "capabilities": { "alwaysMatch": {
                "browserName": "MiniBrowser",
                "pageLoadStrategy": "normal",
                "webkitgtk:browserOptions": {
                    "binary": "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
                    "args": ["--automation", "--full-screen"],
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
            _profile: crate::support::TempDir::new(),
        };
        b.call(
            "POST",
            "/window/rect",
            Some(json!({ "width": PHONE.0, "height": PHONE.1 })),
        );
        b.assert_phone_sized();
        b
    }
}

/// The viewport of a common phone (iPhone 12 to 15), in CSS pixels.
const PHONE: (u32, u32) = (390, 844);

impl Browser<'_> {
    fn assert_phone_sized(&self) {
        // As wide as a page made for phones is laid out (as ours are).
        self.go("data:text/html,<meta name=viewport content='width=device-width'>");
        let width = self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": "return innerWidth", "args": [] })),
        );
        assert_eq!(width, PHONE.0, "a phone-sized viewport");
        // Finding an element waits up to 10 s for it (across navigations).
        self.call("POST", "/timeouts", Some(json!({ "implicit": 10_000 })));
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SAFETY: signals the process group this driver leads; no memory is touched.
        unsafe {
            libc::killpg(self.child.id() as libc::pid_t, libc::SIGKILL);
        }
        let _ = self.child.wait();
        // The browser ends with its display, too.
        if let Some(x) = &mut self.xvfb {
            let _ = x.kill();
            let _ = x.wait();
        }
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

    /// Presses Tab `n` times, as a keyboard user moving through the page.
    pub(crate) fn press_tab(&self, n: usize) {
        let keys: Vec<Value> = (0..n)
            .flat_map(|_| {
                [
                    json!({ "type": "keyDown", "value": "\u{E004}" }),
                    json!({ "type": "keyUp", "value": "\u{E004}" }),
                ]
            })
            .collect();
        self.call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": keys }] })),
        );
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
