//! Slow and hostile clients: many idle connections do not stop service, and running out
//! of file descriptors does not stop the server accepting once they are free again.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::{Browser, Server, csrf_of, raw};

/// GET /healthz on a fresh connection, waiting up to `secs` for the answer.
fn health(addr: &str, secs: u64) -> Option<u16> {
    let mut c = TcpStream::connect(addr).ok()?;
    c.set_read_timeout(Some(Duration::from_secs(secs))).ok()?;
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut out = String::new();
    c.read_to_string(&mut out).ok()?;
    out.split(' ').nth(1)?.parse().ok()
}

#[test]
fn a_thousand_idle_connections_do_not_stop_service() {
    let s = Server::start();
    let idle: Vec<TcpStream> = (0..1000)
        .map(|_| TcpStream::connect(&s.addr).unwrap())
        .collect();
    // Half-open requests: headers started, never finished.
    let mut partial: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(&s.addr).unwrap())
        .collect();
    for c in &mut partial {
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .unwrap();
    }
    for _ in 0..20 {
        assert_eq!(health(&s.addr, 10), Some(200));
    }
    let (id, token) = s.resident("still-served");
    let r = s.as_(&token).post(
        "/api/v1/charges",
        &serde_json::json!({ "resident_id": id, "amount": 1000, "method": "credit_card" }),
    );
    assert_eq!(r.status, 201);
    drop(idle);
    drop(partial);
    s.verify();
}

#[test]
fn running_out_of_descriptors_does_not_stop_accepting_for_good() {
    // The server may hold only 64 descriptors.
    let s = Server::start_with(&["--sandbox", "--prefix", "prlimit", "--nofile=64:64", "--"]);
    assert_eq!(health(&s.addr, 10), Some(200));
    // More connections than it can hold: accepting fails (EMFILE) at some point.
    let hogs: Vec<TcpStream> = (0..120)
        .filter_map(|_| TcpStream::connect(&s.addr).ok())
        .collect();
    assert!(hogs.len() > 64);
    // Let them go; the server must accept again and answer (the kernel keeps this
    // connection queued until it does).
    drop(hogs);
    assert_eq!(
        health(&s.addr, 30),
        Some(200),
        "the server stopped accepting:\n{}",
        s.log()
    );
    assert_eq!(health(&s.addr, 30), Some(200));
    s.verify();
}

#[test]
fn bodies_sent_slowly_do_not_take_every_worker() {
    // Four workers; fifty requests whose bodies stop part way, queued before anyone else.
    // Small bodies are read by the HTTP library's connection threads, larger ones (over
    // 1 KiB) by meguri's workers: half of each.
    let s = Server::start();
    let (id, token) = s.resident("patient");
    let mut slow: Vec<TcpStream> = (0..50)
        .map(|i| {
            let mut c = TcpStream::connect(&s.addr).unwrap();
            let length = if i % 2 == 0 { 100 } else { 5000 };
            c.write_all(
                format!("POST /api/v1/residents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{\"login\":").as_bytes(),
            )
            .unwrap();
            c
        })
        .collect();
    for _ in 0..10 {
        assert_eq!(health(&s.addr, 10), Some(200));
    }
    let r = s.as_(&token).post(
        "/api/v1/charges",
        &serde_json::json!({ "resident_id": id, "amount": 1000, "method": "credit_card" }),
    );
    assert_eq!(r.status, 201);
    // They were answered while every slow request still waited for its body: none has
    // been answered or closed (that would only happen at the socket timeout).
    for c in &mut slow {
        c.set_nonblocking(true).unwrap();
        match c.read(&mut [0u8; 1]) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            other => panic!("a slow request was answered or closed early: {other:?}"),
        }
    }
    drop(slow);
    s.verify();
}

#[test]
fn links_cannot_write_headers_or_lead_off_the_site() {
    let s = Server::start();
    // A CR/LF in `next` would have planted a cookie on the city's domain.
    let planted = "/lang?to=ja&next=/%0d%0aSet-Cookie:%20meguri_session=planted";
    let r = Browser::new(&s).get(planted);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/"));
    assert!(
        !r.headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("set-cookie") && v.contains("planted")),
        "{:?}",
        r.headers
    );
    for off_site in ["/%09/evil.example/", "//evil.example/", "/%5Cevil.example"] {
        let r = Browser::new(&s).get(&format!("/lang?to=en&next={off_site}"));
        assert_eq!(r.header("location"), Some("/"), "{off_site}");
    }

    // The same `next` after a genuine login goes home, not to the other site.
    s.resident("next-resident");
    let mut b = Browser::new(&s);
    let page = b.get("/login?next=/%09/evil.example/");
    assert_eq!(page.status, 200);
    let r = b.post_form(
        "/login",
        &[
            ("csrf", &csrf_of(&page.text())),
            ("login", "next-resident"),
            ("password", "password-1234"),
            ("next", "/\t/evil.example/"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.header("location"), Some("/app"));
    // A local `next` is still honoured.
    let mut b = Browser::new(&s);
    let page = b.get("/login");
    let r = b.post_form(
        "/login",
        &[
            ("csrf", &csrf_of(&page.text())),
            ("login", "next-resident"),
            ("password", "password-1234"),
            ("next", "/app/history"),
        ],
    );
    assert_eq!(r.header("location"), Some("/app/history"));
    s.verify();
}

#[test]
fn endless_headers_are_refused_without_holding_memory() {
    let s = Server::start();
    // One header line of 64 KiB, then many small ones: 431 each time, and the server
    // goes on answering.
    let long = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    assert_eq!(raw(&s.addr, long.as_bytes()).status, 431);
    let many = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..200)
            .map(|i| format!("X-H{i}: v\r\n"))
            .collect::<String>()
    );
    assert_eq!(raw(&s.addr, many.as_bytes()).status, 431);
    let uri = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "p".repeat(20 * 1024));
    assert_eq!(raw(&s.addr, uri.as_bytes()).status, 414);
    // A client that streams a header for ever is cut off after the limit, not read on.
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Endless: ")
        .unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0usize;
    while sent < 256 * 1024 * 1024 && c.write_all(&chunk).is_ok() {
        sent += chunk.len();
    }
    assert!(
        sent < 256 * 1024 * 1024,
        "the server read 256 MiB of one header"
    );
    assert_eq!(health(&s.addr, 10), Some(200));
    s.verify();
}

#[test]
fn a_body_announced_but_never_read_neither_kills_nor_bloats_the_server() {
    let s = Server::start();
    // Gigabytes announced and refused (413): the server neither allocates them nor
    // waits for them; it answers and closes the connection.
    for length in ["99999999999", "4294967296", "18446744073709551615"] {
        let rq = format!(
            "POST /api/v1/residents HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n{{"
        );
        let r = raw(&s.addr, rq.as_bytes());
        assert_eq!(r.status, 413, "{length}: {}", r.text());
        assert_eq!(r.json()["error"]["code"], "invalid_request", "{length}");
        assert_eq!(health(&s.addr, 10), Some(200), "{length}:\n{}", s.log());
    }
    // A small body the server did not read (an unknown path) is skipped, and the next
    // request on the same kept-alive connection is answered.
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let body = "x".repeat(4000);
    let two = format!(
        "POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}\
         GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        body.len()
    );
    c.write_all(two.as_bytes()).unwrap();
    let mut out = String::new();
    c.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 404"), "{out}");
    assert!(out.contains("HTTP/1.1 200"), "{out}");
    assert!(!s.log().contains("panicked"), "{}", s.log());
    s.verify();
}

#[test]
fn requests_the_server_cannot_read_one_way_only_are_refused_in_words() {
    let s = Server::start();
    // A body framed two ways (a proxy might read it the other way): 400.
    for framing in [
        "Content-Length: 2\r\nContent-Length: 40\r\n",
        "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n",
    ] {
        let rq = format!("POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\n{framing}\r\n{{}}");
        assert_eq!(raw(&s.addr, rq.as_bytes()).status, 400, "{framing:?}");
    }
    // Bytes that are not ASCII in the request line or a header: 400, not silence.
    let r = raw(
        &s.addr,
        b"GET /stores/\xe3\x81\x82 HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert_eq!(r.status, 400);
    let r = raw(
        &s.addr,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: a=\xff\r\n\r\n",
    );
    assert_eq!(r.status, 400);
    // A local `next` beyond ASCII is followed, percent-encoded (it was dropped before,
    // leaving a redirect with nowhere to go).
    let r = Browser::new(&s).get("/lang?to=en&next=/stores?q=%E3%81%82");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/stores?q=%E3%81%82"));
    assert_eq!(health(&s.addr, 10), Some(200));
    s.verify();
}

#[test]
fn headers_dripped_a_byte_at_a_time_are_cut_off() {
    let s = Server::start_with(&["--sandbox", "--idle-timeout", "2"]);
    let mut c = TcpStream::connect(&s.addr).unwrap();
    // Between bytes the client waits for the server's answer for half a second (the
    // pace of the drip, each byte within the 2 s read timeout): for up to 24 bytes, six
    // times the timeout. The server must end it on its own, with 408.
    c.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let mut answer = Vec::new();
    let mut cut_off = false;
    for _ in 0..24 {
        let mut buf = [0u8; 256];
        match c.read(&mut buf) {
            Ok(0) => cut_off = true,
            Ok(n) => {
                answer.extend_from_slice(&buf[..n]);
                cut_off = true;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {} // not yet
            Err(_) => cut_off = true,
        }
        if cut_off || c.write_all(b"a").is_err() {
            cut_off = true;
            break;
        }
    }
    assert!(
        cut_off,
        "a client dripping its headers held the connection 12 s"
    );
    let said = String::from_utf8_lossy(&answer);
    assert!(
        said.is_empty() || said.starts_with("HTTP/1.1 408"),
        "{said}"
    );
    assert_eq!(health(&s.addr, 10), Some(200));
    s.verify();
}
