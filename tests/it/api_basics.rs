//! Health, OpenAPI, the error body of api.md for bad input, body limits, panics.

use serde_json::json;

use crate::support::{Server, raw, request};

#[test]
fn healthz_answers_ok() {
    let s = Server::start();
    let r = s.api().get("/healthz");
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({ "status": "ok" }));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(
        r.header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    s.verify();
}

#[test]
fn openapi_describes_the_served_api() {
    let s = Server::start();
    let doc = s.api().get("/api/v1/openapi.json").json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/healthz",
        "/api/v1/auth/token",
        "/api/v1/residents",
        "/api/v1/stores",
        "/api/v1/stores/{id}/staff",
        "/api/v1/sandbox/clock",
    ] {
        assert!(paths.contains_key(p), "{p} missing from openapi.json");
    }
    // Every documented operation is routed: none answers 404 "no such endpoint" or 405.
    let admin = s.admin();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "999999");
            let r = s
                .as_(&admin)
                .send(&method.to_uppercase(), &concrete, Some(b"{}"), &[]);
            assert_ne!(r.status, 405, "{method} {path}");
            if r.status == 404 {
                assert!(
                    concrete.contains("999999") || path.contains("sandbox"),
                    "{method} {path} is not routed"
                );
            }
        }
    }
    s.verify();
}

#[test]
fn bad_input_gets_the_error_body_and_changes_nothing() {
    let s = Server::start();
    let admin = s.admin();
    let before = s.as_(&admin).get("/api/v1/stores").json();
    let big = vec![b'x'; 2 * 1024 * 1024];
    let store = r#"{"name":"店","name_kana":"ミセ","category":"食料品","address":"本町"}"#;
    type Case<'a> = (&'a str, &'a str, Vec<u8>, Option<&'a str>, u16, &'a str);
    let cases: Vec<Case> = vec![
        ("malformed JSON", "/api/v1/stores", b"{\"name\": ".to_vec(), Some(&admin), 400, "invalid_request"),
        ("not an object", "/api/v1/stores", b"[1,2]".to_vec(), Some(&admin), 400, "invalid_request"),
        ("empty body", "/api/v1/stores", b"".to_vec(), Some(&admin), 400, "invalid_request"),
        ("unknown field", "/api/v1/stores", store.replace("}", ",\"owner\":\"x\"}").into_bytes(), Some(&admin), 400, "invalid_request"),
        ("wrong type", "/api/v1/stores", store.replace("\"店\"", "42").into_bytes(), Some(&admin), 400, "invalid_request"),
        ("empty name", "/api/v1/stores", store.replace("\"店\"", "\"  \"").into_bytes(), Some(&admin), 400, "invalid_request"),
        ("control character", "/api/v1/stores", store.replace("\"店\"", "\"店\\u0013\"").into_bytes(), Some(&admin), 400, "invalid_request"),
        ("control character in a name", "/api/v1/residents", br#"{"login":"bell","password":"password-1234","display_name":"\u0007"}"#.to_vec(), Some(&admin), 400, "invalid_request"),
        ("bad bank", "/api/v1/stores", store.replace("}", ",\"bank\":{\"bank_code\":\"12\",\"branch_code\":\"001\",\"account_type\":\"ordinary\",\"account_number\":\"1234567\",\"holder_kana\":\"ミセ\"}}").into_bytes(), Some(&admin), 400, "invalid_request"),
        ("oversize body", "/api/v1/stores", big, Some(&admin), 413, "invalid_request"),
        ("no token", "/api/v1/stores", store.as_bytes().to_vec(), None, 401, "unauthorized"),
        ("bad token", "/api/v1/stores", store.as_bytes().to_vec(), Some("0000"), 401, "unauthorized"),
        ("unknown route", "/api/v1/nowhere", b"{}".to_vec(), Some(&admin), 404, "not_found"),
    ];
    for (what, path, body, token, status, code) in cases {
        let api = match token {
            Some(t) => s.as_(t),
            None => s.api(),
        };
        let r = api.send("POST", path, Some(&body), &[]);
        assert_eq!(r.status, status, "{what}: {}", r.text());
        assert_eq!(r.code(), code, "{what}");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    // A wrong method on a known path.
    let r = s.as_(&admin).send("DELETE", "/api/v1/stores", None, &[]);
    assert_eq!((r.status, r.code().as_str()), (405, "invalid_request"));
    assert_eq!(r.header("allow"), Some("GET, POST"));
    let r = s.as_(&admin).send("TRACE", "/api/v1/stores", None, &[]);
    assert_eq!((r.status, r.header("allow")), (405, Some("GET, POST")));
    assert_eq!(
        s.as_(&admin).send("TRACE", "/nowhere", None, &[]).status,
        404
    );
    // Bad paging.
    let r = s.api().get("/api/v1/stores?limit=0");
    assert_eq!((r.status, r.code().as_str()), (400, "invalid_request"));
    let r = s.api().get("/api/v1/stores?limit=501");
    assert_eq!(r.status, 400);
    assert_eq!(s.api().get("/api/v1/stores?limit=").status, 400);
    assert_eq!(s.api().get("/api/v1/stores?limit=1&limit=2").status, 400);
    assert_eq!(s.api().get("/api/v1/stores?cursor=").status, 200);
    // A declared length beyond the limit is refused before the body is read.
    let r = raw(
        &s.addr,
        format!("POST /api/v1/stores HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {admin}\r\nContent-Length: 999999999\r\n\r\n").as_bytes(),
    );
    assert_eq!(r.status, 413);
    // Nothing was created by any of it.
    assert_eq!(s.as_(&admin).get("/api/v1/stores").json(), before);
    s.verify();
}

#[test]
fn a_panicking_handler_is_answered_500_and_the_worker_lives_on() {
    let s = Server::start_with(&["--sandbox", "--workers", "1"]);
    let admin = s.admin();
    for _ in 0..3 {
        let r = s.as_(&admin).post("/api/v1/sandbox/panic", &json!({}));
        assert_eq!(r.status, 500);
        assert_eq!(r.code(), "internal_error");
    }
    // The single worker survived all three.
    assert_eq!(s.api().get("/healthz").status, 200);
    s.verify();
}

#[test]
fn sandbox_clock_is_404_without_the_flag() {
    let s = Server::start_with(&[]);
    let admin = s.admin();
    let r = s.as_(&admin).put(
        "/api/v1/sandbox/clock",
        &json!({ "now": "2024-12-01T10:00:00+09:00" }),
    );
    assert_eq!((r.status, r.code().as_str()), (404, "not_found"));
    let r = s.as_(&admin).post("/api/v1/sandbox/panic", &json!({}));
    assert_eq!(r.status, 404);
    s.verify();
}

#[test]
fn sandbox_clock_moves_and_validates() {
    let mut s = Server::start();
    s.set_clock("2024-12-01T10:00:00+09:00");
    assert_eq!(s.clock().to_rfc3339(), "2024-12-01T10:00:00+09:00");
    // Given in UTC, answered in JST; without `frozen` it runs on from there, as a demo
    // city's clock must (codes expire, transactions get their own times).
    let r = s.as_(&s.admin()).put(
        "/api/v1/sandbox/clock",
        &json!({ "now": "2024-12-01T03:00:00Z" }),
    );
    assert_eq!(r.json()["now"], "2024-12-01T12:00:00+09:00");
    assert_eq!(r.json()["frozen"], false);
    let set = chrono::DateTime::parse_from_rfc3339("2024-12-01T12:00:00+09:00").unwrap();
    let mut later = s.clock();
    for _ in 0..2000 {
        if later > set {
            break;
        }
        later = s.clock();
    }
    assert!(later > set, "the clock stood still at {later}");
    assert!(later - set < chrono::Duration::minutes(1), "{later}");
    for bad in [
        json!({ "now": "yesterday" }),
        json!({ "now": "2024-12-01T10:00:00" }),
        json!({ "now": 5 }),
        json!({ "now": "2024-12-01T10:00:00+09:00", "frozen": "yes" }),
        json!({}),
    ] {
        let r = s.as_(&s.admin()).put("/api/v1/sandbox/clock", &bad);
        assert_eq!(r.status, 400, "{bad}");
    }
    // A restart keeps a running clock running from where it was, not from the set
    // instant again, and a frozen one frozen.
    let before = s.clock();
    s.restart();
    let after = s.clock();
    assert!(after >= before && after - before < chrono::Duration::minutes(1));
    s.set_clock("2024-12-02T09:00:00+09:00");
    s.restart();
    assert_eq!(s.clock().to_rfc3339(), "2024-12-02T09:00:00+09:00");
    assert_eq!(
        s.as_(&s.admin()).get("/api/v1/sandbox/clock").json()["frozen"],
        true
    );
    s.verify();
}

#[test]
fn garbage_on_the_socket_does_not_hurt_the_server() {
    let s = Server::start();
    for junk in [
        &b"\x00\x01\x02\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"POST /api/v1/stores HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
    ] {
        let mut c = std::net::TcpStream::connect(&s.addr).unwrap();
        use std::io::{Read, Write};
        c.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let _ = c.write_all(junk);
        let _ = c.shutdown(std::net::Shutdown::Write);
        let mut sink = Vec::new();
        let _ = c.read_to_end(&mut sink);
    }
    let r = request(&s.addr, "GET", "/healthz", &[], b"");
    assert_eq!(r.status, 200);
    s.verify();
}

#[test]
fn metrics_are_for_admins_in_prometheus_text() {
    let s = Server::start();
    assert_eq!(s.api().get("/metrics").status, 401);
    let (resident, token) = s.resident("metrics");
    assert_eq!(s.as_(&token).get("/metrics").status, 403);
    let (_, code, _) = s.store("青果店", "seika");
    let admin = s.admin();
    let r = s.as_(&admin).post(
        "/api/v1/charges",
        &json!({ "resident_id": resident, "amount": 5000, "method": "admin" }),
    );
    assert_eq!(r.status, 201);
    for _ in 0..3 {
        let r = s.as_(&token).post(
            "/api/v1/payments",
            &json!({ "store_code": code, "amount": 100 }),
        );
        assert_eq!(r.status, 201);
    }
    let m = s.as_(&admin).get("/metrics");
    assert_eq!(m.status, 200);
    assert!(
        m.header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = m.text();
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing in\n{text}"))
    };
    assert_eq!(value("meguri_payments"), 3.0);
    assert!(value("meguri_db_bytes") > 0.0);
    assert_eq!(value("meguri_read_only"), 0.0);
    // At least: the two refusals above, the charge and the three payments.
    assert!(value("meguri_http_requests_total{class=\"4xx\"}") >= 2.0);
    assert!(value("meguri_http_requests_total{class=\"2xx\"}") >= 4.0);
    assert_eq!(
        value("meguri_http_request_duration_seconds_bucket{le=\"+Inf\"}"),
        value("meguri_http_request_duration_seconds_count")
    );
    s.verify();
}
