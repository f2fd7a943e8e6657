//! A store's status as the secretariat sets it: only the known statuses are taken, and a
//! suspended store takes no payment, whichever code is scanned.

use serde_json::json;

use crate::accounts::admin_logged_in;
use crate::support::{Browser, Html, Server, csrf_of};

#[test]
fn an_unknown_store_status_is_refused_and_changes_nothing() {
    let s = Server::start();
    let (store, code, _) = s.store("八百屋", "yaoya");
    let (id, token) = s.resident("buyer");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 2000, "method": "credit_card" }),
    );
    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let csrf = csrf_of(&office.get("/office/stores").text());
    let status = format!("/office/stores/{store}/status");
    for bad in ["closed", "Active", "", "suspended; removed"] {
        let r = office.post_form(
            &status,
            &[("csrf", &csrf), ("status", bad), ("reason", "理由")],
        );
        assert_eq!(r.status, 400, "{bad:?}");
        let alert = Html::parse(&r.text()).text(".alert");
        assert!(
            alert.contains("状態の指定が正しくありません")
                || alert.contains("status must be active, suspended or removed"),
            "{bad:?}: {alert}"
        );
    }
    let r = office.post_form(&status, &[("csrf", &csrf), ("reason", "理由")]);
    assert_eq!(r.status, 400, "no status at all");

    // Nothing changed: the store is active, listed, payable, and nothing was audited.
    let admin = s.admin();
    let shown = s.as_(&admin).get(&format!("/api/v1/stores/{store}")).json();
    assert_eq!(shown["status"], "active");
    assert_eq!(
        s.api().get("/api/v1/stores").json()["items"][0]["id"],
        store
    );
    let audit = Html::parse(&office.get("/admin/audit").text()).texts("tbody tr");
    assert!(
        !audit
            .iter()
            .any(|r| r.contains("store.closed") || r.contains("store.suspended")),
        "{audit:?}"
    );
    let r = s.as_(&token).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 100 }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(s.total(&token), 1900);
    s.verify();
}

#[test]
fn a_suspended_store_takes_no_payment_by_either_code() {
    let s = Server::start();
    let (store, code, merchant) = s.store("違反のあった店", "ihan");
    let (id, token) = s.resident("buyer");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 2000, "method": "credit_card" }),
    );
    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let csrf = csrf_of(&office.get("/office/stores").text());
    let set = |office: &mut Browser, status: &str| {
        let r = office.post_form(
            &format!("/office/stores/{store}/status"),
            &[("csrf", &csrf), ("status", status), ("reason", "調査中")],
        );
        assert_eq!(r.status, 303, "{}", r.text());
    };
    let cpm = |amount: i64| {
        let t = s.as_(&token).get("/api/v1/me/qr-token").json()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        s.as_(&merchant).post(
            &format!("/api/v1/stores/{store}/payments"),
            &json!({ "token": t, "amount": amount }),
        )
    };
    let mpm = |amount: i64| {
        s.as_(&token).post(
            "/api/v1/payments",
            &json!({ "store_code": code, "amount": amount }),
        )
    };
    set(&mut office, "suspended");
    assert_eq!(mpm(100).status, 404, "MPM while suspended");
    let r = cpm(100);
    assert_eq!(
        (r.status, r.code().as_str()),
        (404, "not_found"),
        "CPM while suspended"
    );
    assert_eq!(s.total(&token), 2000, "no value moved");
    // The resident's page for the store's code does not lead to a payment either.
    let mut resident = Browser::new(&s);
    resident.login("buyer", "password-1234");
    assert_eq!(resident.get(&format!("/p/{code}")).status, 404);

    set(&mut office, "active");
    assert_eq!(cpm(100).status, 201);
    assert_eq!(mpm(100).status, 201);
    assert_eq!(s.total(&token), 1800);
    s.verify();
}
