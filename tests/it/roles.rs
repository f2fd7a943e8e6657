//! The role matrix, derived from the route table itself (`meguri::web::router::table`):
//! every route, API and page, is tried with every role and with no login at all, so a
//! route added to the table is checked without anyone listing it here.
//!
//! A role the route does not admit must be refused by the router's role check (API: 401
//! `unauthorized` / 403 `forbidden`; pages: a redirect to `/login` when not logged in, the
//! 403 page otherwise). An admitted role must get past that check: whatever the handler
//! answers then (200, 303, 400, 404, 422, even its own 401 for a wrong password) is
//! fine, as long as it is not the role check's refusal.
//!
//! Requests carry bodies that pass the role and CSRF checks but that handlers refuse for
//! missing fields, so the sweep moves no value and creates nothing.

use meguri::web::router::{RouteInfo, table};
use serde_json::json;

use crate::accounts::admin_logged_in;
use crate::support::{Browser, Html, Resp, Server, csrf_of, request};

/// Every role, and `None` for a visitor who is not logged in.
const WHO: [Option<&str>; 7] = [
    None,
    Some("admin"),
    Some("operator"),
    Some("merchant"),
    Some("distributor"),
    Some("resident"),
    Some("integration"),
];

/// What the role check says when it refuses (see `WebError::LoginRequired` and
/// `WebError::WrongRole`): the API's message, and the page's message in both languages.
const API_LOGIN_REQUIRED: &str = "log in first";
const PAGE_WRONG_ROLE: [&str; 2] = [
    "この画面を開く権限がありません",
    "Your account may not open this page",
];

/// Existing rows the path parameters are filled with.
pub(crate) struct Ids {
    pub(crate) store: i64,
    pub(crate) code: String,
    pub(crate) resident: i64,
    pub(crate) charge: i64,
    pub(crate) payment: i64,
}

impl Ids {
    /// The value for `{param}` after the literal segment `prev` (`stores/{id}` is a store,
    /// `payments/{id}` a payment). Ids of other tables need not exist: the role check
    /// comes before the handler, and a 404 from the handler is an admitted answer.
    fn fill(&self, prev: &str, param: &str) -> String {
        match (prev, param) {
            ("stores", "id") => self.store.to_string(),
            ("residents", "id") => self.resident.to_string(),
            ("charges", "id") => self.charge.to_string(),
            ("payments", "id") => self.payment.to_string(),
            (_, "id") => "1".into(),
            ("programs", "code") => "cash".into(),
            (_, "code") => self.code.clone(),
            ("leaflet", "name") => "leaflet.css".into(),
            ("images", "name") => "marker-icon.png".into(),
            (_, "name") => "app.css".into(),
            (_, "token") => "no-such-application".into(),
            _ => panic!("tests/it/roles.rs has no fill-in for {{{param}}} after /{prev}"),
        }
    }

    pub(crate) fn path(&self, pattern: &str) -> String {
        let mut prev = "";
        let mut out = String::new();
        for seg in pattern.split('/').filter(|s| !s.is_empty()) {
            out.push('/');
            match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(param) => out.push_str(&self.fill(prev, param)),
                None => out.push_str(seg),
            }
            prev = seg;
        }
        if out.is_empty() { "/".into() } else { out }
    }
}

/// How one role reaches the pages: a cookie session from the login form (with the
/// session's CSRF token), or a bearer token for the role that has no password login.
enum PageClient<'a> {
    Session {
        browser: Browser<'a>,
        login: Option<(String, String)>,
        csrf: String,
    },
    Bearer(String),
}

impl<'a> PageClient<'a> {
    /// A session logged in with `login` and `password` (a visitor's when `None`).
    fn session(s: &'a Server, login: Option<(&str, &str)>) -> PageClient<'a> {
        let mut browser = Browser::new(s);
        let login = login.map(|(l, p)| {
            browser.login(l, p);
            (l.to_owned(), p.to_owned())
        });
        let mut c = PageClient::Session {
            browser,
            login,
            csrf: String::new(),
        };
        c.refresh_csrf();
        c
    }

    fn refresh_csrf(&mut self) {
        if let PageClient::Session {
            browser,
            login,
            csrf,
        } = self
        {
            // Every logged-in role has the password form; visitors have the login form.
            let page = if login.is_some() {
                "/password"
            } else {
                "/login"
            };
            let r = browser.get(page);
            assert_eq!(r.status, 200, "{page}: {}", r.text());
            *csrf = csrf_of(&r.text());
        }
    }

    fn send(&mut self, s: &Server, method: &str, path: &str) -> Resp {
        let r = match self {
            PageClient::Session { browser, csrf, .. } => match method {
                "GET" => browser.get(path),
                _ => browser.post_form(path, &[("csrf", csrf.as_str())]),
            },
            PageClient::Bearer(token) => {
                let auth = format!("Bearer {token}");
                let mut headers = vec![("Authorization", auth.as_str())];
                let body: &[u8] = if method == "GET" { b"" } else { b"x=1" };
                if method != "GET" {
                    headers.push(("Content-Type", "application/x-www-form-urlencoded"));
                }
                request(&s.addr, method, path, &headers, body)
            }
        };
        // A route that ended the session (logging out) must not spoil the routes after it.
        if let PageClient::Session {
            browser,
            login: Some((l, p)),
            ..
        } = self
            && !browser.cookies.iter().any(|(n, _)| n == "meguri_session")
        {
            let (l, p) = (l.clone(), p.clone());
            browser.login(&l, &p);
            self.refresh_csrf();
        }
        r
    }
}

/// Whether the response is the router's role check refusing (not logged in, or the
/// wrong role), as opposed to anything a handler answers.
fn refused_by_role_check(route: &RouteInfo, r: &Resp) -> bool {
    if route.api {
        let message = || {
            r.json()["error"]["message"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        };
        match r.status {
            401 => r.code() == "unauthorized" && message() == API_LOGIN_REQUIRED,
            403 => r.code() == "forbidden" && message().ends_with(" role may not use this"),
            _ => false,
        }
    } else {
        match r.status {
            303 => r
                .header("location")
                .is_some_and(|l| l.starts_with("/login?next=")),
            403 => PAGE_WRONG_ROLE.iter().any(|m| r.text().contains(m)),
            _ => false,
        }
    }
}

fn check(route: &RouteInfo, who: Option<&str>, r: &Resp) {
    let (method, pattern) = (route.method, route.pattern);
    let name = who.unwrap_or("no login");
    let admitted = match who {
        None => route.anonymous,
        Some(role) => route.roles.contains(&role),
    };
    let shown = || {
        format!(
            "{} {}",
            r.status,
            r.text().chars().take(300).collect::<String>()
        )
    };
    if admitted {
        assert!(
            !refused_by_role_check(route, r),
            "{name} is admitted to {method} {pattern} but was refused: {}",
            shown()
        );
        return;
    }
    match (route.api, who) {
        (true, None) => assert_eq!(
            (r.status, r.code().as_str()),
            (401, "unauthorized"),
            "{method} {pattern} with no login"
        ),
        (true, Some(_)) => assert_eq!(
            (r.status, r.code().as_str()),
            (403, "forbidden"),
            "{name} must be refused {method} {pattern}"
        ),
        (false, None) => assert!(
            r.status == 303
                && r.header("location")
                    .is_some_and(|l| l.starts_with("/login")),
            "{method} {pattern} with no login must lead to /login, got {}",
            shown()
        ),
        (false, Some(_)) => assert_eq!(r.status, 403, "{name} must be refused {method} {pattern}"),
    }
    assert!(
        refused_by_role_check(route, r),
        "{name} at {method} {pattern}: not the role check's refusal: {}",
        shown()
    );
}

/// Logs in a staff account the admin makes on the accounts page, replacing its one-time
/// password.
fn staff_session<'a>(
    s: &'a Server,
    admin: &mut Browser,
    login: &str,
    role: &str,
) -> PageClient<'a> {
    staff_account(s, admin, login, role);
    PageClient::session(s, Some((login, "matrix-pass-77")))
}

/// A staff account the admin makes on the accounts page; its first login replaces the
/// one-time password with `matrix-pass-77`.
pub(crate) fn staff_account(s: &Server, admin: &mut Browser, login: &str, role: &str) {
    let r = admin.submit(
        "/admin/accounts",
        "/admin/accounts",
        &[
            ("login", login),
            ("display_name", "行列 確認"),
            ("role", role),
        ],
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let otp = Html::parse(&r.text()).text("code.secret");
    let mut b = Browser::new(s);
    assert_eq!(b.login(login, &otp), "/password");
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", &otp),
            ("new", "matrix-pass-77"),
            ("again", "matrix-pass-77"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

/// Rows for the path parameters and a client per role (API tokens, page sessions), in
/// the order of `WHO`.
struct Sweep<'a> {
    ids: Ids,
    api_tokens: Vec<Option<String>>,
    pages: Vec<PageClient<'a>>,
    admin: Browser<'a>,
}

impl Sweep<'_> {
    /// Sends `route` as the `i`-th of `WHO`, with a body every handler refuses.
    fn send(&mut self, s: &Server, route: &RouteInfo, i: usize) -> Resp {
        let path = self.ids.path(route.pattern);
        if route.api {
            let auth = self.api_tokens[i].as_ref().map(|t| format!("Bearer {t}"));
            let mut headers = vec![("Content-Type", "application/json")];
            if let Some(a) = &auth {
                headers.push(("Authorization", a.as_str()));
            }
            // An empty object: refused by every handler that needs fields.
            let body: &[u8] = if route.method == "GET" { b"" } else { b"{}" };
            request(&s.addr, route.method, &path, &headers, body)
        } else {
            self.pages[i].send(s, route.method, &path)
        }
    }
}

fn sweep(s: &Server) -> Sweep<'_> {
    // Rows for the path parameters: a store with its owner, a resident who charged and paid.
    let (store, code, merchant) = s.store("matrix store", "matrix-shop");
    let (resident, resident_token) = s.resident("matrix-resident");
    let r = s.as_(&resident_token).post(
        "/api/v1/charges",
        &json!({ "resident_id": resident, "amount": 1000, "method": "credit_card" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let charge = r.json()["charge_id"].as_i64().expect("charge_id");
    let r = s.as_(&resident_token).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 300 }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let payment = r.json()["payment_id"].as_i64().expect("payment_id");
    let ids = Ids {
        store,
        code,
        resident,
        charge,
        payment,
    };

    // The API with bearer tokens.
    let integration = s.token("integration", None);
    let api_tokens: Vec<Option<String>> = vec![
        None,
        Some(s.admin()),
        Some(s.token("operator", None)),
        Some(merchant),
        Some(s.token("distributor", None)),
        Some(resident_token),
        Some(integration.clone()),
    ];

    // The pages with one cookie session per role, made once.
    let mut admin = Browser::new(s);
    admin_logged_in(s, &mut admin);
    let pages: Vec<PageClient> = vec![
        PageClient::session(s, None),
        PageClient::session(s, Some((&s.admin_login, "admin-secret-1"))),
        staff_session(s, &mut admin, "matrix-operator", "operator"),
        PageClient::session(s, Some(("matrix-shop", "password-1234"))),
        staff_session(s, &mut admin, "matrix-distributor", "distributor"),
        PageClient::session(s, Some(("matrix-resident", "password-1234"))),
        // City systems have no password login; they reach pages with their key alone.
        PageClient::Bearer(integration),
    ];
    Sweep {
        ids,
        api_tokens,
        pages,
        admin,
    }
}

#[test]
fn every_route_of_the_table_admits_exactly_its_roles() {
    let s = Server::start();
    let routes = table();
    assert!(routes.len() > 100, "the whole table: {}", routes.len());
    let mut w = sweep(&s);
    let resident = w.ids.resident;

    let before = s.api().get("/api/v1/stores").json();
    for route in &routes {
        for (i, who) in WHO.iter().enumerate() {
            let r = w.send(&s, route, i);
            check(route, *who, &r);
        }
    }

    // Nothing in the sweep made or changed a store, and the payment was not refunded.
    assert_eq!(s.api().get("/api/v1/stores").json(), before);
    let r = s
        .as_(&s.admin())
        .get(&format!("/api/v1/residents/{resident}/balance"));
    assert_eq!(r.json()["total"], 700, "{}", r.text());
    s.verify();
}

/// Every row of every table but `sessions` (where last-seen times are kept even while
/// read-only), in rowid order: what must not change.
fn contents(db: &std::path::Path) -> Vec<(String, Vec<String>)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'sessions' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let mut st = c
                .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))
                .unwrap();
            let n = st.column_count();
            let rows = st
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (t, rows)
        })
        .collect()
}

/// While the server is read-only for maintenance, no GET route of the table writes, as
/// any role: the resident's payment code page, which records a code, says so instead.
#[test]
fn while_read_only_no_get_route_writes_anything() {
    let s = Server::start();
    let mut w = sweep(&s);
    let r = w.admin.submit(
        "/admin/maintenance",
        "/admin/maintenance/read-only",
        &[("read_only", "on")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let before = contents(&s.db);
    let resident = w.api_tokens[5].clone().unwrap();
    let r = s.as_(&resident).get("/api/v1/me/qr-token");
    assert_eq!(
        (r.status, r.code().as_str()),
        (503, "maintenance"),
        "{}",
        r.text()
    );
    let r = w.pages[5].send(&s, "GET", "/app/qr");
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.text().contains("メンテナンス中"), "{}", r.text());
    for route in table().iter().filter(|r| r.method == "GET") {
        for i in 0..WHO.len() {
            let r = w.send(&s, route, i);
            assert!(
                r.status < 500 || r.status == 503,
                "{} {}: {}",
                route.method,
                route.pattern,
                r.status
            );
        }
    }
    let after = contents(&s.db);
    for ((t, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "table {t} changed while read-only");
    }
    assert_eq!(before.len(), after.len());
    s.verify();
}
