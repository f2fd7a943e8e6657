//! Limits on guessing: wrong passwords slow down one (login, address) with a doubling
//! delay but not the owner elsewhere; the office sees the failures and unlocks; changing
//! the password counts wrong current passwords; self-registration is limited per address.

use serde_json::{Value, json};

use crate::accounts::admin_logged_in;
use crate::support::{Browser, Html, Server};

const GUESSER: &str = "203.0.113.9";
const OWNER: &str = "198.51.100.7";

/// `POST /api/v1/auth/token` as if from `from` (the tests' peer is loopback, so the
/// server believes X-Forwarded-For, as behind the city's reverse proxy).
fn log_in(s: &Server, login: &str, password: &str, from: &str) -> crate::support::Resp {
    let body = json!({ "login": login, "password": password }).to_string();
    s.api().send(
        "POST",
        "/api/v1/auth/token",
        Some(body.as_bytes()),
        &[("X-Forwarded-For", from)],
    )
}

fn message(r: &crate::support::Resp) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn wrong_passwords_slow_the_guesser_and_not_the_owner_elsewhere() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    admin_logged_in(&s, &mut b);
    for _ in 0..5 {
        assert_eq!(log_in(&s, "admin", "guess-guess", GUESSER).status, 401);
    }
    // The guesser waits, even with the right password, and is told for how long.
    let r = log_in(&s, "admin", "admin-secret-1", GUESSER);
    assert_eq!((r.status, r.code().as_str()), (429, "rate_limited"));
    assert!(
        message(&r).contains("try again in 30 seconds"),
        "{}",
        message(&r)
    );
    // The owner, from another address, is not held up: neither on the API nor on the page.
    assert_eq!(log_in(&s, "admin", "admin-secret-1", OWNER).status, 200);
    let mut owner = Browser::new(&s);
    assert_eq!(owner.login("admin", "admin-secret-1"), "/admin");
    // Asking while waiting does not prolong the wait; the next failure doubles it.
    s.advance(20);
    assert_eq!(log_in(&s, "admin", "guess-guess", GUESSER).status, 429);
    s.advance(10);
    assert_eq!(log_in(&s, "admin", "guess-guess", GUESSER).status, 401);
    let r = log_in(&s, "admin", "admin-secret-1", GUESSER);
    assert_eq!(r.status, 429);
    assert!(message(&r).contains("60 seconds"), "{}", message(&r));
    s.advance(60);
    assert_eq!(log_in(&s, "admin", "admin-secret-1", GUESSER).status, 200);
    s.verify();
}

#[test]
fn the_login_page_slows_wrong_passwords_and_says_until_when() {
    let s = Server::start();
    s.resident("hanako");
    let mut b = Browser::new(&s);
    for _ in 0..5 {
        let r = b.submit(
            "/login",
            "/login",
            &[("login", "hanako"), ("password", "guess-guess")],
        );
        assert_eq!(r.status, 401);
    }
    let r = b.submit(
        "/login",
        "/login",
        &[("login", "hanako"), ("password", "password-1234")],
    );
    assert_eq!(r.status, 429);
    let alert = Html::parse(&r.text()).text(".alert");
    assert!(alert.contains("30秒後"), "{alert}");
    // A guesser elsewhere makes no difference to this address, and the wait ends.
    for _ in 0..8 {
        log_in(&s, "hanako", "guess-guess", GUESSER);
    }
    s.advance(30);
    assert_eq!(b.login("hanako", "password-1234"), "/app");
    s.verify();
}

#[test]
fn the_office_sees_failed_logins_and_unlocks_a_login_everywhere() {
    let s = Server::start();
    s.resident("hanako");
    let mut admin = Browser::new(&s);
    admin_logged_in(&s, &mut admin);
    for _ in 0..5 {
        log_in(&s, "hanako", "guess-guess", GUESSER);
    }
    // A guesser with a hundred addresses meets the ceiling of the login: then even the
    // owner must wait, until the office, having made sure who calls, unlocks it.
    for i in 0..95 {
        let from = format!("192.0.2.{i}");
        assert_eq!(log_in(&s, "hanako", "guess-guess", &from).status, 401);
    }
    let r = log_in(&s, "hanako", "password-1234", OWNER);
    assert_eq!((r.status, r.code().as_str()), (429, "rate_limited"));
    assert!(message(&r).contains("ask the office"), "{}", message(&r));

    let page = admin.get("/admin/logins");
    assert_eq!(page.status, 200);
    let html = Html::parse(&page.text());
    let rows: Vec<(String, String, String)> = html
        .texts("td.login")
        .into_iter()
        .zip(html.texts("td.address"))
        .zip(html.texts("td.count"))
        .map(|((l, a), c)| (l, a, c))
        .collect();
    assert_eq!(rows.len(), 96, "one row per (login, address)");
    assert!(
        rows.contains(&("hanako".into(), GUESSER.into(), "5".into())),
        "{rows:?}"
    );
    assert!(rows.contains(&("hanako".into(), "192.0.2.7".into(), "1".into())));

    let r = admin.submit(
        "/admin/logins",
        "/admin/logins/unlock",
        &[("login", "hanako")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(Html::parse(&r.text()).texts("td.login").is_empty());
    assert_eq!(log_in(&s, "hanako", "password-1234", OWNER).status, 200);
    assert_eq!(log_in(&s, "hanako", "password-1234", GUESSER).status, 200);
    let audit = admin.get("/admin/audit").text();
    assert!(audit.contains("ログインの制限を解除") && audit.contains("login:hanako"));
    // Nobody else may see or unlock.
    let (_, resident) = s.resident("taro");
    let r = s.as_(&resident).get("/admin/logins");
    assert_eq!(r.status, 403);
    s.verify();
}

#[test]
fn wrong_current_passwords_are_limited_like_logins() {
    let s = Server::start();
    s.resident("hanako");
    let mut b = Browser::new(&s);
    b.login("hanako", "password-1234");
    let change = |b: &mut Browser, current: &str| {
        b.submit(
            "/password",
            "/password",
            &[
                ("current", current),
                ("new", "kiri-no-mori-7"),
                ("again", "kiri-no-mori-7"),
            ],
        )
    };
    for _ in 0..5 {
        assert_eq!(change(&mut b, "guess-guess").status, 400);
    }
    let r = change(&mut b, "password-1234");
    assert_eq!(r.status, 429, "{}", r.text());
    assert!(Html::parse(&r.text()).text(".alert").contains("30秒後"));
    // The API answers the same, and logging in from here waits too.
    let token = log_in(&s, "hanako", "password-1234", OWNER).json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = s.as_(&token).post(
        "/api/v1/me/password",
        &json!({ "current": "password-1234", "new": "kiri-no-mori-7" }),
    );
    assert_eq!((r.status, r.code().as_str()), (429, "rate_limited"));
    assert!(message(&r).contains("try again in 30 seconds"));
    s.advance(30);
    assert_eq!(change(&mut b, "password-1234").status, 200);
    s.verify();
}

fn register(s: &Server, body: &Value, from: &str) -> crate::support::Resp {
    s.api().send(
        "POST",
        "/api/v1/residents",
        Some(body.to_string().as_bytes()),
        &[("X-Forwarded-For", from)],
    )
}

#[test]
fn registration_takes_only_the_known_answers() {
    let s = Server::start();
    let many: serde_json::Map<String, Value> =
        (0..40_000).map(|i| (format!("k{i}"), json!("v"))).collect();
    for attributes in [json!(many), json!({ "hobby": "釣り" })] {
        let r = s.api().post(
            "/api/v1/residents",
            &json!({ "login": "many", "password": "password-1234", "display_name": "多", "attributes": attributes }),
        );
        assert_eq!((r.status, r.code().as_str()), (400, "invalid_request"));
    }
    let r = s.api().post(
        "/api/v1/residents",
        &json!({ "login": "many", "password": "password-1234", "display_name": "多",
                 "attributes": { "line_id": "many-line", "age_band": "30s", "area": "本町" } }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    s.verify();
}

#[test]
fn self_registration_is_limited_per_address() {
    let s = Server::start();
    let body = |login: &str| json!({ "login": login, "password": "password-1234", "display_name": "住民" });
    assert_eq!(register(&s, &body("taken"), OWNER).status, 201);
    // Asking which logins are taken is slow: after ten "taken" answers, a wait.
    for _ in 0..9 {
        let r = register(&s, &body("taken"), GUESSER);
        assert_eq!(
            (r.status, r.code().as_str()),
            (409, "conflict"),
            "the person learns to pick another"
        );
    }
    let r = register(&s, &body("free-login"), GUESSER);
    assert_eq!(r.status, 201);
    assert_eq!(register(&s, &body("taken"), GUESSER).status, 409);
    let r = register(&s, &body("another-free"), GUESSER);
    assert_eq!((r.status, r.code().as_str()), (429, "rate_limited"));
    assert!(
        message(&r).contains("try again in 60 minutes"),
        "{}",
        message(&r)
    );
    // Other addresses, and the secretariat at the counter, are not affected.
    assert_eq!(register(&s, &body("another-free"), OWNER).status, 201);
    let r = s.as_(&s.token("operator", None)).send(
        "POST",
        "/api/v1/residents",
        Some(body("at-counter").to_string().as_bytes()),
        &[("X-Forwarded-For", GUESSER)],
    );
    assert_eq!(r.status, 201);

    // Thirty attempts an hour from one address, refused ones included; then the page says so.
    for i in 0..29 {
        let r = s.api().post(
            "/api/v1/residents",
            &json!({ "login": format!("p{i}"), "password": "short", "display_name": "X" }),
        );
        assert_eq!(r.status, 400);
    }
    let mut b = Browser::new(&s);
    let fields = [
        ("display_name", "花子"),
        ("login", "page-hanako"),
        ("password", "password-1234"),
    ];
    let r = b.submit("/register", "/register", &fields);
    assert_eq!(r.status, 303, "the thirtieth attempt: {}", r.text());
    let mut other = Browser::new(&s);
    let r = other.submit("/register", "/register", &fields);
    assert_eq!(r.status, 429);
    let html = Html::parse(&r.text());
    assert!(
        html.text(".alert")
            .contains("この回線からの登録が多すぎます")
    );
    assert_eq!(
        html.attrs("input[name=login]", "value"),
        vec!["page-hanako"],
        "the form is kept"
    );
    s.advance(3600);
    assert_eq!(register(&s, &body("after-an-hour"), GUESSER).status, 201);
    s.verify();
}
