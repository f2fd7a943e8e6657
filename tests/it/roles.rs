//! The role matrix: every route × every role → allowed or refused. The expected table is
//! written here by hand; a test checks that it covers every operation in openapi.json.

use serde_json::json;

use crate::support::{Server, request};

/// Everyone, logged in or not.
const EVERYONE: &[&str] = &[
    "anon",
    "admin",
    "operator",
    "merchant",
    "distributor",
    "resident",
    "integration",
];

/// (method, path, roles allowed; "anon" for visitors who are not logged in)
const API: &[(&str, &str, &[&str])] = &[
    ("GET", "/healthz", EVERYONE),
    ("GET", "/api/v1/openapi.json", EVERYONE),
    ("GET", "/metrics", &["admin"]),
    ("GET", "/api/v1/sandbox/clock", &["admin"]),
    ("PUT", "/api/v1/sandbox/clock", &["admin"]),
    ("POST", "/api/v1/sandbox/panic", &["admin"]),
    ("POST", "/api/v1/auth/token", EVERYONE),
    (
        "GET",
        "/api/v1/me",
        &[
            "admin",
            "operator",
            "merchant",
            "distributor",
            "resident",
            "integration",
        ],
    ),
    (
        "POST",
        "/api/v1/me/password",
        &[
            "admin",
            "operator",
            "merchant",
            "distributor",
            "resident",
            "integration",
        ],
    ),
    ("POST", "/api/v1/residents", &["anon", "admin", "operator"]),
    ("GET", "/api/v1/stores", EVERYONE),
    ("POST", "/api/v1/stores", &["admin", "operator"]),
    ("GET", "/api/v1/stores/{id}", EVERYONE),
    ("POST", "/api/v1/stores/{id}/staff", &["admin", "operator"]),
    ("POST", "/api/v1/stores/{id}/payments", &["merchant"]),
    ("GET", "/api/v1/programs", &["admin", "operator"]),
    ("POST", "/api/v1/programs", &["admin"]),
    (
        "POST",
        "/api/v1/charges",
        &["admin", "operator", "resident"],
    ),
    (
        "POST",
        "/api/v1/grants",
        &["admin", "operator", "integration"],
    ),
    ("POST", "/api/v1/payments", &["resident"]),
    ("POST", "/api/v1/payments/{id}/refunds", &["merchant"]),
    ("POST", "/api/v1/tax-payments", &["resident"]),
    ("GET", "/api/v1/me/balance", &["resident"]),
    ("GET", "/api/v1/me/transactions", &["resident"]),
    ("GET", "/api/v1/me/qr-token", &["resident"]),
    (
        "GET",
        "/api/v1/residents/{id}/balance",
        &["admin", "operator"],
    ),
    ("GET", "/api/v1/notices", EVERYONE),
];

const PAGES: &[(&str, &str, &[&str])] = &[
    ("GET", "/admin", &["admin"]),
    ("GET", "/admin/accounts", &["admin"]),
    ("POST", "/admin/accounts", &["admin"]),
    ("GET", "/admin/settings", &["admin"]),
    ("POST", "/admin/settings", &["admin"]),
    ("GET", "/admin/audit", &["admin"]),
    ("GET", "/admin/logins", &["admin"]),
    ("POST", "/admin/logins/unlock", &["admin"]),
    ("POST", "/admin/logo", &["admin"]),
    ("GET", "/office", &["admin", "operator"]),
    ("GET", "/office/programs", &["admin", "operator"]),
    ("GET", "/office/notices", &["admin", "operator"]),
    ("POST", "/office/notices", &["admin", "operator"]),
    ("POST", "/office/notices/{id}/approve", &["admin"]),
    (
        "POST",
        "/office/notices/{id}/withdraw",
        &["admin", "operator"],
    ),
    ("GET", "/notices", EVERYONE),
    ("GET", "/apply", &["anon", "admin", "operator"]),
    ("GET", "/office/applications", &["admin", "operator"]),
    ("GET", "/office/stores", &["admin", "operator"]),
    ("GET", "/office/residents", &["admin", "operator"]),
    (
        "POST",
        "/office/stores/1/photo/remove",
        &["admin", "operator"],
    ),
    ("POST", "/shop/photo", &["merchant"]),
    ("GET", "/stores/1/photo", EVERYONE),
    ("GET", "/admin/maintenance", &["admin"]),
    ("POST", "/admin/maintenance", &["admin"]),
    ("POST", "/admin/maintenance/read-only", &["admin"]),
    ("GET", "/office/stores/import", &["admin", "operator"]),
    ("GET", "/office/store-requests", &["admin", "operator"]),
    ("GET", "/office/devices", &["admin", "operator"]),
    ("GET", "/app/history", &["resident"]),
    ("GET", "/app/history.csv", &["resident"]),
    ("GET", "/app/welcome", &["resident"]),
    ("GET", "/app/charge", &["resident"]),
    ("POST", "/app/charge/confirm", &["resident"]),
    ("POST", "/app/charge", &["resident"]),
    ("GET", "/app/qr", &["resident"]),
    ("GET", "/app/scan", &["resident"]),
    ("GET", "/stores", EVERYONE),
    ("GET", "/stores/map", EVERYONE),
    ("GET", "/shop", &["merchant"]),
    ("GET", "/shop/till", &["merchant"]),
    ("GET", "/shop/feed", &["merchant"]),
    ("GET", "/shop/cpm", &["merchant"]),
    ("POST", "/shop/cpm", &["merchant"]),
    ("GET", "/shop/staff", &["merchant"]),
    ("GET", "/shop/profile", &["merchant"]),
    ("GET", "/shop/device", &["merchant"]),
    ("GET", "/shop/history", &["merchant"]),
    ("GET", "/app", &["resident"]),
    ("GET", "/distributor", &["distributor"]),
    (
        "GET",
        "/password",
        &[
            "admin",
            "operator",
            "merchant",
            "distributor",
            "resident",
            "integration",
        ],
    ),
    ("GET", "/register", &["anon", "admin", "operator"]),
    ("GET", "/login", EVERYONE),
    ("GET", "/", EVERYONE),
];

#[test]
fn every_route_admits_exactly_its_roles() {
    let s = Server::start();
    let (resident, resident_token) = s.resident("matrix-resident");
    let _ = resident;
    let (store, _, merchant) = s.store("matrix store", "matrix-shop");
    let tokens: Vec<(&str, Option<String>)> = vec![
        ("anon", None),
        ("admin", Some(s.admin())),
        ("operator", Some(s.token("operator", None))),
        ("merchant", Some(merchant)),
        ("distributor", Some(s.token("distributor", None))),
        ("resident", Some(resident_token)),
        ("integration", Some(s.token("integration", None))),
    ];

    // The table covers every documented API operation.
    let doc = s.api().get("/api/v1/openapi.json").json();
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            documented.push((m.to_uppercase(), path.clone()));
        }
    }
    documented.sort();
    let mut tabled: Vec<(String, String)> = API
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    tabled.sort();
    assert_eq!(tabled, documented, "the role table and openapi.json differ");

    for (method, path, allowed) in API.iter().chain(PAGES) {
        let is_page = PAGES.iter().any(|(m, p, _)| m == method && p == path);
        let concrete = path.replace("{id}", &store.to_string());
        for (role, token) in &tokens {
            let auth = token.as_ref().map(|t| format!("Bearer {t}"));
            let mut headers = vec![("Content-Type", "application/json")];
            if let Some(a) = &auth {
                headers.push(("Authorization", a.as_str()));
            }
            // An empty object: enough to pass the role check, and refused by any handler that
            // needs fields, so nothing is changed by this test.
            let body: &[u8] = if *method == "GET" { b"" } else { b"{}" };
            let r = request(&s.addr, method, &concrete, &headers, body);
            let admitted = allowed.contains(role);
            if admitted {
                let sent_to_login = is_page
                    && r.status == 303
                    && r.header("location")
                        .is_some_and(|l| l.starts_with("/login"));
                assert!(
                    !matches!(r.status, 401 | 403) && !sent_to_login,
                    "{role} should be admitted to {method} {path}, got {} {}",
                    r.status,
                    r.text()
                );
            } else if *role == "anon" {
                if is_page {
                    assert_eq!(r.status, 303, "{method} {path} for anon");
                    assert!(
                        r.header("location").unwrap().starts_with("/login"),
                        "{method} {path}"
                    );
                } else {
                    assert_eq!(
                        (r.status, r.code().as_str()),
                        (401, "unauthorized"),
                        "{method} {path} for anon"
                    );
                }
            } else {
                assert_eq!(
                    r.status,
                    403,
                    "{role} must be refused {method} {path}: {}",
                    r.text()
                );
                if !is_page {
                    assert_eq!(r.code(), "forbidden");
                }
            }
        }
    }
    // Nothing in the sweep created anything.
    let stores = s.api().get("/api/v1/stores").json();
    assert_eq!(stores["items"].as_array().unwrap().len(), 1);
    let _ = json!(null);
    s.verify();
}
