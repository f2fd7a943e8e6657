//! Test support: a running server on a fresh database, a small HTTP/1.1 client, a
//! browser-like client with cookies, and HTML parsing helpers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

mod browser;
pub mod webdriver;
pub use browser::{Browser, Html, csrf_of, enc};

pub const BIN: &str = env!("CARGO_BIN_EXE_meguri");

/// A temporary directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "meguri-it-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the meguri command and returns its output.
pub fn meguri(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run meguri")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A meguri server on a fresh database in the rehearsal environment (`--sandbox`: the sandbox clock and payment provider).
pub struct Server {
    pub addr: String,
    pub db: PathBuf,
    pub admin_login: String,
    pub admin_otp: String,
    child: Child,
    extra: Vec<String>,
    _dir: TempDir,
}

/// Starts `meguri serve` on `db` and returns it with the address it listens on.
fn spawn_serve(db: &Path, log: &Path, extra: &[&str]) -> (Child, String) {
    // `--prefix CMD ARG ... --` runs the server under another command (e.g. prlimit).
    let (prefix, extra): (Vec<&str>, Vec<&str>) = match extra.iter().position(|a| *a == "--prefix")
    {
        Some(i) => {
            let end = extra
                .iter()
                .position(|a| *a == "--")
                .expect("--prefix ends with --");
            (
                extra[i + 1..end].to_vec(),
                extra[..i]
                    .iter()
                    .chain(&extra[end + 1..])
                    .copied()
                    .collect(),
            )
        }
        None => (Vec::new(), extra.to_vec()),
    };
    let extra = &extra[..];
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let mut args = vec![
        "serve",
        "--db",
        db.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ];
    if !extra.contains(&"--workers") {
        args.extend_from_slice(&["--workers", "4"]);
    }
    args.extend_from_slice(extra);
    let mut command = match prefix.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(BIN);
            c
        }
        None => Command::new(BIN),
    };
    let mut child = command
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start meguri serve");
    // The server prints its address once it accepts connections.
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("meguri listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();
    (child, addr)
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(&["--sandbox"])
    }

    pub fn start_with(extra: &[&str]) -> Server {
        let dir = TempDir::new();
        let db = dir.0.join("city.db");
        let out = meguri(&["init", "--db", db.to_str().unwrap()]);
        assert!(out.status.success(), "init failed: {out:?}");
        let text = stdout(&out);
        let value = |prefix: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(prefix))
                .unwrap_or_else(|| panic!("init printed no {prefix}: {text}"))
                .trim()
                .to_owned()
        };
        let (admin_login, admin_otp) = (value("first admin login:"), value("one-time password:"));
        let (child, addr) = spawn_serve(&db, &dir.0.join("server.log"), extra);
        Server {
            addr,
            db: db.clone(),
            admin_login,
            admin_otp,
            child,
            extra: extra.iter().map(|s| s.to_string()).collect(),
            _dir: dir,
        }
    }

    /// Kills the server with SIGKILL: no chance to finish anything.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same database (a new port).
    pub fn restart(&mut self) {
        let extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        let (child, addr) = spawn_serve(&self.db, &self._dir.0.join("server.log"), &extra);
        self.child = child;
        self.addr = addr;
    }

    pub fn db_arg(&self) -> &str {
        self.db.to_str().unwrap()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.0.join("server.log")).unwrap_or_default()
    }

    /// A token made with `meguri token create`.
    pub fn token(&self, role: &str, subject: Option<i64>) -> String {
        let subject = subject.map(|s| s.to_string());
        let mut args = vec![
            "token",
            "create",
            "--db",
            self.db_arg(),
            "--role",
            role,
            "--name",
            "it",
        ];
        if let Some(s) = &subject {
            args.extend_from_slice(&["--subject", s]);
        }
        let out = meguri(&args);
        assert!(out.status.success(), "token create failed: {out:?}");
        stdout(&out).lines().last().unwrap().trim().to_owned()
    }

    pub fn admin(&self) -> String {
        self.token("admin", None)
    }

    pub fn api(&self) -> Api<'_> {
        Api {
            server: self,
            token: None,
        }
    }

    pub fn as_(&self, token: &str) -> Api<'_> {
        Api {
            server: self,
            token: Some(token.to_owned()),
        }
    }

    /// Registers a resident and returns (id, token).
    pub fn resident(&self, login: &str) -> (i64, String) {
        let r = self.api().post(
            "/api/v1/residents",
            &serde_json::json!({ "login": login, "password": "password-1234", "display_name": "テスト 住民" }),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        (id, self.token("resident", Some(id)))
    }

    /// Creates a store with a staff login; returns (store id, mpm code, merchant token).
    pub fn store(&self, name: &str, staff_login: &str) -> (i64, String, String) {
        let admin = self.admin();
        let r = self.as_(&admin).post(
            "/api/v1/stores",
            &serde_json::json!({ "name": name, "name_kana": "テスト", "category": "食料品", "address": "めぐり市本町1-1" }),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        let (id, code) = (
            r.json()["id"].as_i64().unwrap(),
            r.json()["mpm_code"].as_str().unwrap().to_owned(),
        );
        let r = self.as_(&admin).post(
            &format!("/api/v1/stores/{id}/staff"),
            &serde_json::json!({ "login": staff_login, "password": "password-1234" }),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        let user = r.json()["id"].as_i64().unwrap();
        (id, code, self.token("merchant", Some(user)))
    }

    /// Moves the sandbox clock and stops it there, so a test sees exactly the instants
    /// it sets.
    pub fn set_clock(&self, rfc3339: &str) {
        let r = self.as_(&self.admin()).put(
            "/api/v1/sandbox/clock",
            &serde_json::json!({ "now": rfc3339, "frozen": true }),
        );
        assert_eq!(r.status, 200, "{}", r.text());
    }

    pub fn clock(&self) -> chrono::DateTime<chrono::FixedOffset> {
        let r = self.as_(&self.admin()).get("/api/v1/sandbox/clock");
        chrono::DateTime::parse_from_rfc3339(r.json()["now"].as_str().unwrap()).unwrap()
    }

    pub fn advance(&self, secs: i64) {
        let t = self.clock() + chrono::Duration::seconds(secs);
        self.set_clock(&t.to_rfc3339());
    }

    /// `meguri verify` must pass; every scenario ends with this.
    /// A resident's whole balance (`GET /api/v1/me/balance`).
    pub fn total(&self, token: &str) -> i64 {
        let r = self.as_(token).get("/api/v1/me/balance");
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["total"].as_i64().unwrap()
    }

    pub fn verify(&self) {
        let out = meguri(&["verify", "--db", self.db_arg()]);
        assert!(
            out.status.success(),
            "verify failed:\n{}\n{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops the server with SIGTERM and returns its exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- server log ---\n{}", self.log());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response as the tests see it.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The api.md error code of an error response.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// Sends one raw HTTP/1.1 request and reads the whole response (to the end of its
/// Content-Length, or until the server closes the connection).
pub fn raw(addr: &str, request: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(request).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| buf.len() >= head_end + 4 + n) {
                break;
            }
        }
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) => panic!("reading from {addr}: {e}"),
        }
    }
    parse_response(&buf)
}

fn parse_response(buf: &[u8]) -> Resp {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(buf)));
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = buf[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(std::str::from_utf8(&b[..nl]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[nl + 2..nl + 2 + n]);
        b = &b[nl + 4 + n..];
    }
    out
}

pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    let mut rq = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        rq.push_str(&format!("{k}: {v}\r\n"));
    }
    rq.push_str("\r\n");
    let mut bytes = rq.into_bytes();
    bytes.extend_from_slice(body);
    raw(addr, &bytes)
}

/// A JSON API client, anonymous or with a bearer token.
pub struct Api<'a> {
    server: &'a Server,
    token: Option<String>,
}

impl Api<'_> {
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
        extra: &[(&str, &str)],
    ) -> Resp {
        let auth = self.token.as_ref().map(|t| format!("Bearer {t}"));
        let mut headers: Vec<(&str, &str)> = vec![("Content-Type", "application/json")];
        if let Some(a) = &auth {
            headers.push(("Authorization", a));
        }
        headers.extend_from_slice(extra);
        request(
            &self.server.addr,
            method,
            path,
            &headers,
            body.unwrap_or(b""),
        )
    }

    pub fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None, &[])
    }

    pub fn post(&self, path: &str, body: &Value) -> Resp {
        self.send("POST", path, Some(body.to_string().as_bytes()), &[])
    }

    pub fn put(&self, path: &str, body: &Value) -> Resp {
        self.send("PUT", path, Some(body.to_string().as_bytes()), &[])
    }
}

/// Connects to `addr` until something listens there, for a program that does not say
/// when it does (a refused connect answers at once, so the loop yields between tries);
/// false once `child` has exited or `within` has passed.
pub fn wait_until_listening(addr: &str, child: &mut Child, within: Duration) -> bool {
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        if TcpStream::connect(addr).is_ok() {
            return true;
        }
        if !matches!(child.try_wait(), Ok(None)) {
            return false;
        }
        std::thread::yield_now();
    }
    false
}

pub fn path_of(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Standard base64 (line breaks and padding ignored).
pub fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| !matches!(c, b'=' | b'\n' | b'\r'))
        .collect();
    clean
        .chunks(4)
        .flat_map(|ch| {
            let n = ch
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, c)| acc | (val(*c) as u32) << (18 - 6 * i));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes[..ch.len().saturating_sub(1)].to_vec()
        })
        .collect()
}
