//! Maintenance: a window announced on every page in advance, and a read-only switch (from
//! the administrator's page or the command line) that refuses every change with a clear
//! message while balances stay visible.

use serde_json::json;

use crate::accounts::admin_logged_in;
use crate::support::{Browser, Html, Server, meguri, stdout};

fn pay(s: &Server, token: &str, code: &str) -> crate::support::Resp {
    s.as_(token).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 300 }),
    )
}

#[test]
fn an_announced_window_then_read_only_refuses_changes_and_keeps_balances_visible() {
    let mut s = Server::start();
    s.set_clock("2026-11-22T10:00:00+09:00");
    let (id, me) = s.resident("hanako");
    let (_, code, _) = s.store("青果店", "seika");
    let r = s.as_(&me).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 5000, "method": "credit_card" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());

    let mut admin = Browser::new(&s);
    admin_logged_in(&s, &mut admin);
    // A window that ends before it starts is refused, readably, and nothing is announced.
    let bad = [
        ("action", "announce"),
        ("from", "2026-11-30T04:00"),
        ("until", "2026-11-30T02:00"),
    ];
    let r = admin.submit("/admin/maintenance", "/admin/maintenance", &bad);
    assert_eq!(r.status, 400);
    assert!(
        Html::parse(&r.text())
            .text(".alert")
            .contains("終了は開始より後")
    );
    let r = admin.submit(
        "/admin/maintenance",
        "/admin/maintenance",
        &[
            ("action", "announce"),
            ("from", "2026-11-30T02:00"),
            ("until", "2026-11-30T04:00"),
            ("note", "システム更新のため"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // Every page, even the login page of someone not logged in, shows it.
    let mut visitor = Browser::new(&s);
    let banner = Html::parse(&visitor.get("/login").text()).text(".maintenance-banner");
    assert!(banner.contains("2026年11月30日(月) 02:00〜"), "{banner}");
    assert!(banner.contains("システム更新のため"), "{banner}");
    assert_eq!(
        pay(&s, &me, &code).status,
        201,
        "announced is not yet read-only"
    );

    let r = admin.submit(
        "/admin/maintenance",
        "/admin/maintenance/read-only",
        &[("read_only", "on")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let before = s.total(&me);
    let r = pay(&s, &me, &code);
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.code(), "maintenance");
    assert_eq!(
        s.total(&me),
        before,
        "nothing moved; the balance is still visible"
    );
    // Logging in still works; a form that changes something gets a readable page.
    let mut other = Browser::new(&s);
    assert_eq!(other.login("hanako", "password-1234"), "/app");
    let home = Html::parse(&other.get("/app").text());
    assert!(
        home.text(".maintenance-banner")
            .contains("ただいまメンテナンス中")
    );
    let r = visitor.submit(
        "/register",
        "/register",
        &[
            ("display_name", "次郎"),
            ("login", "jiro"),
            ("password", "password-1234"),
        ],
    );
    assert_eq!(r.status, 503);
    assert!(r.text().contains("メンテナンス中"), "{}", r.text());

    // Stopped, upgraded, started again: still read-only until someone opens it.
    s.kill_hard();
    s.restart();
    assert_eq!(pay(&s, &me, &code).status, 503);
    let mut admin = Browser::new(&s);
    assert_eq!(admin.login(&s.admin_login, "admin-secret-1"), "/admin");
    let r = admin.submit(
        "/admin/maintenance",
        "/admin/maintenance/read-only",
        &[("read_only", "off")],
    );
    assert_eq!(r.status, 200);
    assert_eq!(pay(&s, &me, &code).status, 201);
    let audit = admin.get("/admin/audit").text();
    assert!(audit.contains("読み取り専用を切り替え") && audit.contains("メンテナンスを告知"));
    s.verify();
}

#[test]
fn read_only_from_the_command_line_holds_across_a_restart() {
    let mut s = Server::start();
    let (id, me) = s.resident("taro");
    let (_, code, _) = s.store("本屋", "honya");
    let r = s.as_(&me).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 1000, "method": "credit_card" }),
    );
    assert_eq!(r.status, 201);
    s.kill_hard();
    let out = meguri(&["read-only", "--db", s.db_arg(), "on"]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("refused"));
    let out = meguri(&["read-only", "--db", s.db_arg(), "maybe"]);
    assert_eq!(out.status.code(), Some(1));
    s.restart();
    assert_eq!(pay(&s, &me, &code).status, 503);
    assert_eq!(s.api().get("/healthz").status, 200);
    s.kill_hard();
    assert!(
        meguri(&["read-only", "--db", s.db_arg(), "off"])
            .status
            .success()
    );
    s.restart();
    assert_eq!(pay(&s, &me, &code).status, 201);
    s.verify();
}
