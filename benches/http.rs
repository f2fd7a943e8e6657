//! HTTP load benchmark: `cargo bench --bench http`.
//!
//! Starts the real `meguri serve` (release build, synchronous=FULL) on a fresh database
//! under `target/bench/`, prepares residents with three-lot wallets and a store, then 64
//! client threads, each on its own keep-alive connection, pay by MPM as fast as the server
//! answers. Reports throughput, p50/p99 latency and errors, and the raw SQLite durable
//! commit rate measured on the same disk in the same run as the baseline.
//! Targets (design.md): at least 3,000 payments/s, p99 under 50 ms, no errors.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;
const PER_CLIENT: usize = 400;
const BASELINE_COMMITS: usize = 3000;

fn main() {
    // MEGURI_BENCH_DIR=/dev/shm/... takes the disk's fsync out of the figure.
    let dir = std::env::var("MEGURI_BENCH_DIR").unwrap_or_else(|_| "target/bench".into());
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    let baseline = raw_commits(&dir.join("http-baseline.db"));
    let db = dir.join("http.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    let bin = env!("CARGO_BIN_EXE_meguri");
    let out = Command::new(bin)
        .args(["init", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut server = Server::start(bin, &db);
    let addr = server.addr.clone();
    let admin = token(bin, &db, "admin", None);

    // A premium program (20% on charges) and a subsidy: with the cash lot, three lots each.
    post(
        &addr,
        &admin,
        "/api/v1/programs",
        r#"{"code":"premium","name":"プレミアム","kind":"premium","valid_days":90,"charge_premium":{"rate_percent":20}}"#,
    );
    post(
        &addr,
        &admin,
        "/api/v1/programs",
        r#"{"code":"gift","name":"ギフト","kind":"subsidy","valid_days":90}"#,
    );
    let store = post(
        &addr,
        &admin,
        "/api/v1/stores",
        r#"{"name":"負荷試験商店","name_kana":"フカ","category":"食料品","address":"本町"}"#,
    );
    let code = json_str(&store, "mpm_code");
    let mut tokens = Vec::new();
    for i in 0..CLIENTS {
        let body = format!(
            r#"{{"login":"load-{i}","password":"password-1234","display_name":"負荷{i}"}}"#
        );
        // As the secretariat: self-registration is limited per address.
        let r = post(&addr, &admin, "/api/v1/residents", &body);
        let id = json_num(&r, "id");
        post(
            &addr,
            &admin,
            "/api/v1/charges",
            &format!(r#"{{"resident_id":{id},"amount":5000000,"method":"admin"}}"#),
        );
        post(
            &addr,
            &admin,
            "/api/v1/grants",
            &format!(r#"{{"program":"gift","amount":100000,"resident_ids":[{id}]}}"#),
        );
        tokens.push(token(bin, &db, "resident", Some(id)));
    }

    let started = Instant::now();
    let results: Vec<(Vec<Duration>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = tokens
            .iter()
            .enumerate()
            .map(|(c, t)| {
                let (addr, code) = (addr.clone(), code.clone());
                s.spawn(move || client(&addr, t, &code, c))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let mut latencies: Vec<Duration> = results.iter().flat_map(|r| r.0.iter().copied()).collect();
    let errors: usize = results.iter().map(|r| r.1).sum();
    latencies.sort();
    let n = latencies.len();
    let rate = n as f64 / elapsed.as_secs_f64();
    let p = |q: f64| latencies[((n as f64 * q) as usize).min(n - 1)].as_secs_f64() * 1000.0;
    server.stop();
    let verify = Command::new(bin)
        .args(["verify", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    println!("| measure | value |");
    println!("|---|---|");
    println!("| raw SQLite single-row durable commits/s (baseline) | {baseline:.0} |");
    println!("| MPM payments/s over HTTP, {CLIENTS} clients | {rate:.0} |");
    println!(
        "| ratio payments / baseline | {:.0}% |",
        rate / baseline * 100.0
    );
    println!(
        "| latency p50 / p99 | {:.1} ms / {:.1} ms |",
        p(0.50),
        p(0.99)
    );
    println!("| errors | {errors} of {} |", n + errors);
    println!(
        "| verify after the run | {} |",
        if verify.status.success() {
            "passes"
        } else {
            "FAILS"
        }
    );
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

/// One client: a keep-alive connection paying PER_CLIENT times.
fn client(addr: &str, token: &str, code: &str, c: usize) -> (Vec<Duration>, usize) {
    let mut conn = TcpStream::connect(addr).unwrap();
    conn.set_nodelay(true).unwrap();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut lat = Vec::with_capacity(PER_CLIENT);
    let mut errors = 0;
    for i in 0..PER_CLIENT {
        let body = format!(
            r#"{{"store_code":"{code}","amount":{}}}"#,
            100 + (i * 7 + c) % 300
        );
        let rq = format!(
            "POST /api/v1/payments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nIdempotency-Key: load-{c}-{i}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let t = Instant::now();
        conn.write_all(rq.as_bytes()).unwrap();
        let status = read_response(&mut reader);
        lat.push(t.elapsed());
        if status != 201 {
            errors += 1;
        }
    }
    (lat, errors)
}

fn read_response(r: &mut BufReader<TcpStream>) -> u16 {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0;
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).unwrap();
    status
}

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(bin: &str, db: &Path) -> Server {
        let mut child = Command::new(bin)
            .args([
                "serve",
                "--db",
                db.to_str().unwrap(),
                "--addr",
                "127.0.0.1:0",
                "--workers",
                &std::env::var("MEGURI_BENCH_WORKERS").unwrap_or_else(|_| "64".into()),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .trim_start_matches("meguri listening on http://")
            .to_owned();
        Server { child, addr }
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn token(bin: &str, db: &Path, role: &str, subject: Option<i64>) -> String {
    let mut args = vec![
        "token".to_owned(),
        "create".into(),
        "--db".into(),
        db.to_str().unwrap().into(),
        "--role".into(),
        role.into(),
        "--name".into(),
        "load".into(),
    ];
    if let Some(s) = subject {
        args.extend(["--subject".into(), s.to_string()]);
    }
    let out = Command::new(bin).args(&args).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned()
}

/// One request on its own connection; panics unless it succeeds.
fn post(addr: &str, token: &str, path: &str, body: &str) -> String {
    let mut c = TcpStream::connect(addr).unwrap();
    let auth = if token.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {token}\r\n")
    };
    write!(c, "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{auth}Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    let mut out = String::new();
    c.read_to_string(&mut out).unwrap();
    let (head, rest) = out.split_once("\r\n\r\n").unwrap();
    assert!(head.contains(" 20"), "{path}: {out}");
    rest.to_owned()
}

fn json_str(body: &str, key: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v[key].as_str().unwrap().to_owned()
}

fn json_num(body: &str, key: &str) -> i64 {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v[key].as_i64().unwrap()
}

fn raw_commits(path: &Path) -> f64 {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);").unwrap();
    let started = Instant::now();
    for i in 0..BASELINE_COMMITS {
        c.execute_batch("BEGIN IMMEDIATE").unwrap();
        c.execute("INSERT INTO t (v) VALUES (?1)", [i as i64])
            .unwrap();
        c.execute_batch("COMMIT").unwrap();
    }
    BASELINE_COMMITS as f64 / started.elapsed().as_secs_f64()
}
