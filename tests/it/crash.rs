//! Crash consistency: the server is killed with SIGKILL at twenty different moments of a
//! payment storm. After each restart `meguri verify` passes, every payment a client saw
//! acknowledged is there, and retrying the requests whose answer was lost (same
//! Idempotency-Key) never pays twice.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::Server;

/// One request; `None` when the connection fails (the server is gone).
fn try_post(addr: &str, token: &str, key: &str, body: &str) -> Option<(u16, Value)> {
    let mut c = TcpStream::connect(addr).ok()?;
    c.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let rq = format!(
        "POST /api/v1/payments HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nIdempotency-Key: {key}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    c.write_all(rq.as_bytes()).ok()?;
    let mut out = Vec::new();
    c.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out);
    let (head, rest) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, serde_json::from_str(rest).ok()?))
}

struct Request {
    token: String,
    key: String,
    body: String,
}

#[test]
fn killed_twenty_times_mid_storm_nothing_is_lost_or_doubled() {
    let mut s = Server::start_with(&["--sandbox", "--workers", "16"]);
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let admin = s.admin();
    let mut people = Vec::new();
    for i in 0..8 {
        let (id, token) = s.resident(&format!("storm-{i}"));
        let r = s.as_(&admin).post(
            "/api/v1/charges",
            &json!({ "resident_id": id, "amount": 10_000_000, "method": "admin" }),
        );
        assert_eq!(r.status, 201);
        people.push(token);
    }
    // key -> payment id, for every payment a client was told about.
    let mut acked: HashMap<String, i64> = HashMap::new();
    let mut retried = 0;
    for round in 0..20usize {
        let kill_after = 10 + (round * 37) % 120;
        let done = (Mutex::new(0usize), Condvar::new());
        let stop = AtomicBool::new(false);
        let addr = s.addr.clone();
        let (results, in_doubt): (Vec<(String, i64)>, Vec<Request>) = std::thread::scope(|sc| {
            let clients: Vec<_> = people
                .iter()
                .enumerate()
                .map(|(c, token)| {
                    let (addr, code, done, stop) = (&addr, &code, &done, &stop);
                    sc.spawn(move || {
                        let mut ok = Vec::new();
                        for i in 0.. {
                            let rq = Request {
                                token: token.clone(),
                                key: format!("r{round}-c{c}-{i}"),
                                body: json!({ "store_code": code, "amount": 100 + (i * 13 + c) % 300 }).to_string(),
                            };
                            match try_post(addr, &rq.token, &rq.key, &rq.body) {
                                Some((201, v)) => {
                                    ok.push((rq.key, v["payment_id"].as_i64().unwrap()));
                                    *done.0.lock().unwrap() += 1;
                                    done.1.notify_all();
                                }
                                Some((status, v)) => panic!("unexpected {status}: {v}"),
                                // The server died with this request in flight: in doubt.
                                None => return (ok, Some(rq)),
                            }
                            if stop.load(Ordering::SeqCst) {
                                return (ok, None);
                            }
                        }
                        unreachable!()
                    })
                })
                .collect();
            // Kill once enough payments were acknowledged in this round.
            let guard = done.0.lock().unwrap();
            let (guard, timeout) = done
                .1
                .wait_timeout_while(guard, Duration::from_secs(60), |n| *n < kill_after)
                .unwrap();
            assert!(
                !timeout.timed_out(),
                "the storm stalled at {} payments",
                *guard
            );
            drop(guard);
            s.kill_hard();
            stop.store(true, Ordering::SeqCst);
            let mut results = Vec::new();
            let mut doubt = Vec::new();
            for h in clients {
                let (ok, d) = h.join().unwrap();
                results.extend(ok);
                doubt.extend(d);
            }
            (results, doubt)
        });
        for (key, id) in results {
            assert!(acked.insert(key, id).is_none());
        }
        s.restart();
        // Retrying what was in flight: either it was committed (the same answer comes
        // back) or it was not (it is paid now) — never both.
        retried += in_doubt.len();
        for rq in in_doubt {
            let (status, v) = try_post(&s.addr, &rq.token, &rq.key, &rq.body)
                .expect("the restarted server answers");
            assert_eq!(status, 201, "{v}");
            assert!(
                acked
                    .insert(rq.key, v["payment_id"].as_i64().unwrap())
                    .is_none()
            );
        }
        s.verify();
    }
    assert!(
        retried > 0,
        "some requests must have been in flight at a kill"
    );
    // Every acknowledged payment is in the ledger, and there is no other.
    let db = rusqlite::Connection::open(&s.db).unwrap();
    let stored: i64 = db
        .query_row("SELECT count(*) FROM payments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        stored as usize,
        acked.len(),
        "payments in the ledger = payments acknowledged"
    );
    let mut ids: Vec<i64> = acked.values().copied().collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), acked.len(), "no two requests share a payment");
    for id in ids {
        let n: i64 = db
            .query_row("SELECT count(*) FROM payments WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 1, "acknowledged payment {id} is missing");
    }
}
