//! Quiet spells as a real day has them: the server idle past its connection timeout, then
//! used again on kept-alive and new connections, directly and through nginx. Nothing may
//! hang, fail or be dropped, and nothing may be logged as failing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::{Server, TempDir};

/// One kept-alive HTTP/1.1 connection.
struct KeptAlive {
    reader: BufReader<TcpStream>,
}

impl KeptAlive {
    fn open(addr: &str) -> KeptAlive {
        let s = TcpStream::connect(addr).unwrap();
        // A hang (the failure this file is about) shows as an error here, not as a
        // stuck test.
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        KeptAlive {
            reader: BufReader::new(s),
        }
    }

    /// Sends a request and reads its answer; the connection stays open.
    fn send(&mut self, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
        let rq = format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.reader.get_mut().write_all(rq.as_bytes()).unwrap();
        let mut status_line = String::new();
        self.reader
            .read_line(&mut status_line)
            .unwrap_or_else(|e| panic!("{method} {path}: no answer ({e})"));
        let status = status_line
            .split(' ')
            .nth(1)
            .unwrap_or_else(|| panic!("{method} {path}: connection closed"))
            .parse()
            .unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        (status, String::from_utf8(body).unwrap())
    }

    fn balance(&mut self, token: &str) -> u16 {
        self.send("GET", "/api/v1/me/balance", token, "").0
    }

    /// True once the server has closed the connection (it reads end of file).
    fn closed_by_server(&mut self) -> bool {
        let mut byte = [0u8; 1];
        matches!(self.reader.read(&mut byte), Ok(0))
    }
}

/// A connection opened and left silent: the server closing it is the sign that its idle
/// timeout has passed with no new connection since.
struct Sentinel(TcpStream);

impl Sentinel {
    fn open(addr: &str) -> Sentinel {
        Sentinel(TcpStream::connect(addr).unwrap())
    }

    /// Waits up to `at_most` for the server to close the connection; true once it has.
    fn closed_within(&mut self, at_most: Duration) -> bool {
        self.0.set_read_timeout(Some(at_most)).unwrap();
        let mut byte = [0u8; 1];
        matches!(self.0.read(&mut byte), Ok(0))
    }

    /// Waits (bounded) until the server has closed it: a quiet spell as long as the
    /// server's idle timeout, measured by the server itself.
    fn wait_closed(mut self) {
        assert!(
            self.closed_within(Duration::from_secs(15)),
            "the server never closed an idle connection"
        );
    }
}

/// A resident with money and a store; returns (resident token, store code).
fn city(s: &Server) -> (String, String) {
    let (id, token) = s.resident("quiet-resident");
    let r = s.as_(&s.admin()).post(
        "/api/v1/charges",
        &serde_json::json!({ "resident_id": id, "amount": 100_000, "method": "admin" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let (_, code, _) = s.store("しずか商店", "quiet-clerk");
    (token, code)
}

fn failures_in(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("accept") || l.contains(" 500 ") || l.contains("error"))
        .collect()
}

#[test]
fn an_idle_server_answers_kept_alive_and_new_connections_at_once() {
    // Connections silent for 2 s are closed; the listener itself never times out.
    let s = Server::start_with(&["--sandbox", "--idle-timeout", "2"]);
    let (token, code) = city(&s);
    let pay = serde_json::json!({ "store_code": code, "amount": 100 }).to_string();

    // Three kept-alive connections, each used every 0.7 s, while no new connection
    // arrives: until the server closes an idle one opened last (its timeout has passed
    // with nothing to accept), then once more.
    let mut kept: Vec<KeptAlive> = (0..3).map(|_| KeptAlive::open(&s.addr)).collect();
    let mut sentinel = Sentinel::open(&s.addr);
    let mut payments = 0;
    let mut rounds = 0;
    loop {
        let quiet_past_timeout = sentinel.closed_within(Duration::from_millis(700));
        for (i, c) in kept.iter_mut().enumerate() {
            if (rounds + i) % 3 == 0 {
                let (status, body) = c.send("POST", "/api/v1/payments", &token, &pay);
                assert_eq!(status, 201, "round {rounds}: {body}");
                payments += 1;
            } else {
                assert_eq!(c.balance(&token), 200, "round {rounds}");
            }
        }
        rounds += 1;
        assert!(rounds < 40, "the idle connection was never closed");
        if quiet_past_timeout {
            break;
        }
    }
    assert!(rounds >= 3, "the spell lasted {rounds} rounds");

    // Then nobody at all: the server closes the idle kept-alive connections...
    for c in &mut kept {
        assert!(c.closed_by_server(), "an idle connection was kept open");
    }
    // ...and new ones are answered at once, on kept-alive connections too.
    let mut fresh = KeptAlive::open(&s.addr);
    for _ in 0..3 {
        let (status, body) = fresh.send("POST", "/api/v1/payments", &token, &pay);
        assert_eq!(status, 201, "{body}");
    }
    assert_eq!(s.total(&token), 100_000 - 100 * (payments + 3));
    let log = s.log();
    assert!(failures_in(&log).is_empty(), "{log}");
    s.verify();
}

/// The block `head { ... }` of the shipped `deploy/nginx.conf` (blocks there hold no
/// nested braces).
fn shipped_block(head: &str) -> String {
    let conf = include_str!("../../deploy/nginx.conf");
    let start = conf
        .find(head)
        .unwrap_or_else(|| panic!("no {head} in nginx.conf"));
    let end = start + conf[start..].find('}').unwrap() + 1;
    conf[start..end].to_owned()
}

/// nginx in front of meguri with the upstream and location of `deploy/nginx.conf`
/// (kept-alive connections that nginx lets go before meguri would close them), on a free
/// port, its times scaled down with meguri's (20 s there, 2 s here).
struct Nginx {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl Nginx {
    fn start(upstream: &str) -> Nginx {
        let dir = TempDir::new();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let d = dir.0.display();
        let upstream_block = shipped_block("upstream meguri {")
            .replace("127.0.0.1:8080", upstream)
            .replace("keepalive_timeout 10s", "keepalive_timeout 1s");
        assert!(upstream_block.contains("keepalive_timeout 1s"));
        let location = shipped_block("location / {").replace("proxy_read_timeout 30s;", "");
        let conf = format!(
            "daemon off; master_process off; worker_processes 1;\n\
             pid {d}/nginx.pid; error_log {d}/error.log info;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n\
               access_log {d}/access.log;\n\
               client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
               {upstream_block}\n\
               server {{ listen 127.0.0.1:{port};\n{location} }}\n\
             }}\n"
        );
        std::fs::write(dir.0.join("nginx.conf"), conf).unwrap();
        let child = Command::new("nginx")
            .args(["-p", &d.to_string(), "-c", &format!("{d}/nginx.conf")])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx is installed by scripts/test.sh");
        let mut n = Nginx { child, port, dir };
        // nginx says nothing when it listens.
        if crate::support::wait_until_listening(&n.addr(), &mut n.child, Duration::from_secs(30)) {
            return n;
        }
        panic!("nginx did not start:\n{}", n.error_log());
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.0.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn through_nginx_quiet_spells_lose_no_payment() {
    let s = Server::start_with(&["--sandbox", "--idle-timeout", "2"]);
    let (token, code) = city(&s);
    let pay = serde_json::json!({ "store_code": code, "amount": 100 }).to_string();
    let proxy = Nginx::start(&s.addr);

    // Busy moments and quiet spells longer than meguri's timeout, in turn; a browser's
    // kept-alive connection to nginx on one side, nginx's pool to meguri on the other.
    let mut paid = 0;
    for spell in 0..3 {
        let mut browser = KeptAlive::open(&proxy.addr());
        for _ in 0..4 {
            let (status, body) = browser.send("POST", "/api/v1/payments", &token, &pay);
            assert_eq!(status, 201, "spell {spell}: {body}\n{}", proxy.error_log());
            paid += 100;
        }
        // A quiet spell longer than meguri's timeout (and nginx's 1 s), as meguri
        // itself measures it.
        Sentinel::open(&s.addr).wait_closed();
    }
    assert_eq!(s.total(&token), 100_000 - paid);
    let said = proxy.error_log();
    assert!(
        !said.contains("[error]") && !said.contains("prematurely"),
        "{said}"
    );
    let log = s.log();
    assert!(failures_in(&log).is_empty(), "{log}");
    s.verify();
}
