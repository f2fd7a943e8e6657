//! The ledger's rules, continued: grants, refused input, who may charge, history pages,
//! program definitions, and `verify` catching damage (helpers in `ledger`).

use serde_json::{Value, json};

use crate::ledger::{balance, charge, figures, pay, program};
use crate::support::{Server, TempDir, meguri, path_of, stdout};

#[test]
fn grants_now_and_on_schedule_with_caps_and_budget() {
    let s = Server::start();
    s.set_clock("2024-12-01T09:00:00+09:00");
    program(
        &s,
        json!({ "code": "hometown", "name": "ふるさと納税返礼品", "kind": "subsidy", "budget": 10000, "per_person_cap": 4000 }),
    );
    let (a, ta) = s.resident("a-res");
    let (b, tb) = s.resident("b-res");
    let integration = s.token("integration", None);
    let grant = |body: Value| s.as_(&integration).post("/api/v1/grants", &body);
    let r = grant(json!({ "program": "hometown", "amount": 3000, "resident_ids": [a, b] }));
    assert_eq!((r.status, r.json()["count"].as_i64()), (201, Some(2)));
    assert_eq!(
        grant(json!({ "program": "hometown", "amount": 2000, "resident_ids": [a] })).code(),
        "limit_exceeded"
    );
    // Scheduled: nothing until the time comes, and it counts against the budget at once.
    let r = grant(
        json!({ "program": "hometown", "amount": 1000, "resident_ids": [a, b], "scheduled_at": "2024-12-24T09:00:00+09:00" }),
    );
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (201, Some("scheduled"))
    );
    assert_eq!(s.total(&ta), 3000);
    let (c, _) = s.resident("c-res");
    assert_eq!(
        grant(json!({ "program": "hometown", "amount": 2001, "resident_ids": [c] })).code(),
        "budget_exhausted"
    );
    s.set_clock("2024-12-24T08:59:59+09:00");
    assert_eq!(s.total(&tb), 3000);
    s.set_clock("2024-12-24T09:00:00+09:00");
    assert_eq!(s.total(&ta), 4000);
    assert_eq!(s.total(&tb), 4000);
    // Bad grants change nothing.
    for (body, status) in [
        (
            json!({ "program": "hometown", "amount": 10, "resident_ids": [] }),
            400,
        ),
        (
            json!({ "program": "hometown", "amount": 10, "resident_ids": [a, a] }),
            400,
        ),
        (
            json!({ "program": "hometown", "amount": 10, "resident_ids": [999] }),
            404,
        ),
        (
            json!({ "program": "nothing", "amount": 10, "resident_ids": [a] }),
            404,
        ),
        (
            json!({ "program": "cash", "amount": 10, "resident_ids": [a] }),
            400,
        ),
        (
            json!({ "program": "hometown", "amount": 0, "resident_ids": [a] }),
            400,
        ),
    ] {
        let r = grant(body.clone());
        assert_eq!(r.status, status, "{body}: {}", r.text());
    }
    assert_eq!(figures(&s, "hometown")["issued"], 8000);
    assert_eq!(
        s.as_(&ta)
            .post(
                "/api/v1/grants",
                &json!({ "program": "hometown", "amount": 1, "resident_ids": [a] })
            )
            .status,
        403
    );
    s.verify();
}

#[test]
fn bad_amounts_and_codes_change_nothing() {
    let s = Server::start();
    let (id, me) = s.resident("careful");
    let (_, code, _) = s.store("店", "shop");
    let admin = s.admin();
    let r = s.as_(&admin).post(
        "/api/v1/stores",
        &json!({ "name": "ポイント専用", "name_kana": "ポイント", "category": "催事", "address": "本町", "accepts": ["points"] }),
    );
    let points_only = r.json()["mpm_code"].as_str().unwrap().to_owned();
    charge(&s, &me, id, 3000);
    let before = balance(&s, &me);
    for amount in [
        json!(0),
        json!(-100),
        json!(1.5),
        json!("100"),
        json!(1e20),
        json!(10_000_001),
        json!(null),
    ] {
        let r = s.as_(&me).post(
            "/api/v1/payments",
            &json!({ "store_code": code, "amount": amount }),
        );
        assert_eq!(
            (r.status, r.code().as_str()),
            (400, "invalid_request"),
            "amount {amount}"
        );
        let r = s.as_(&me).post(
            "/api/v1/charges",
            &json!({ "resident_id": id, "amount": amount, "method": "credit_card" }),
        );
        assert_eq!(r.status, 400, "charge amount {amount}");
    }
    let r = pay(&s, &me, "NOSUCHSTORE", 100);
    assert_eq!((r.status, r.code().as_str()), (404, "not_found"));
    let r = pay(&s, &me, &points_only, 100);
    assert_eq!((r.status, r.code().as_str()), (422, "rule_violation"));
    let r = pay(&s, &me, &code, 3001);
    assert_eq!(r.code(), "insufficient_funds");
    assert_eq!(balance(&s, &me), before);
    s.verify();
}

#[test]
fn charge_rules_units_caps_and_who_may_charge() {
    let s = Server::start();
    program(
        &s,
        json!({ "code": "campaign", "name": "キャンペーン", "kind": "premium", "charge_unit": 1000, "per_person_cap": 30000,
                         "charge_premium": { "rate_percent": 10 } }),
    );
    let (id, me) = s.resident("charger");
    let (other, _) = s.resident("someone");
    let into = |token: &str, who: i64, amount: i64, method: &str| {
        s.as_(token).post("/api/v1/charges", &json!({ "resident_id": who, "amount": amount, "method": method, "program": "campaign" }))
    };
    assert_eq!(
        into(&me, id, 1500, "credit_card").status,
        400,
        "units of 1,000"
    );
    let r = into(&me, id, 20_000, "credit_card");
    assert_eq!(
        (r.status, r.json()["premium_granted"].as_i64()),
        (201, Some(2000))
    );
    let r = into(&me, id, 8_000, "credit_card");
    assert_eq!(
        (r.status, r.code().as_str()),
        (422, "limit_exceeded"),
        "22,000 + 8,800 > 30,000"
    );
    assert_eq!(
        into(&me, other, 1000, "credit_card").status,
        403,
        "someone else's wallet"
    );
    assert_eq!(
        into(&me, id, 1000, "cash").status,
        403,
        "cash is taken at a counter"
    );
    assert_eq!(into(&me, id, 1000, "admin").status, 403);
    let op = s.token("operator", None);
    assert_eq!(into(&op, other, 1000, "cash").status, 201);
    assert_eq!(into(&op, other, 1000, "credit_card").status, 403);
    assert_eq!(into(&s.admin(), other, 1000, "admin").status, 201);
    let r = s.as_(&me).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 1000, "method": "gold" }),
    );
    assert_eq!(r.status, 400);
    let r = s.as_(&me).post(
        "/api/v1/charges",
        &json!({ "card_id": 5, "amount": 1000, "method": "credit_card" }),
    );
    // A resident charges only their own wallet: any card is refused, known or not.
    assert_eq!(r.status, 403);
    assert_eq!(s.total(&me), 22_000);
    // A charge may carry its own expiry (KUM-エ-h).
    let r = s.as_(&me).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 500, "method": "bank", "expires_at": "2099-12-31" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let lots = balance(&s, &me)["lots"].as_array().unwrap().clone();
    assert!(
        lots.iter()
            .any(|l| l["amount"] == 500 && l["expires_at"] == "2100-01-01T00:00:00+09:00"),
        "{lots:?}"
    );
    s.verify();
}

#[test]
fn history_pages_with_a_cursor() {
    let s = Server::start();
    let (id, me) = s.resident("pager");
    for i in 1..=5 {
        charge(&s, &me, id, i * 100);
    }
    let mut amounts = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = s
            .as_(&me)
            .get(&format!("/api/v1/me/transactions?limit=2&cursor={cursor}"))
            .json();
        amounts.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["amount"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(amounts, vec![500, 400, 300, 200, 100]);
    s.verify();
}

#[test]
fn program_definitions_are_checked() {
    let s = Server::start();
    let admin = s.admin();
    let create = |body: Value| s.as_(&admin).post("/api/v1/programs", &body);
    assert_eq!(create(json!({ "code": "ok-1", "name": "事業", "kind": "subsidy", "weekdays": [6, 7], "categories": ["飲食店"] })).status, 201);
    assert_eq!(
        create(json!({ "code": "ok-1", "name": "事業", "kind": "subsidy" })).code(),
        "conflict"
    );
    for bad in [
        json!({ "code": "Bad Code", "name": "x", "kind": "subsidy" }),
        json!({ "code": "x", "name": "", "kind": "subsidy" }),
        json!({ "code": "x", "name": "x", "kind": "bonus" }),
        json!({ "code": "x", "name": "x", "kind": "subsidy", "weekdays": [0] }),
        json!({ "code": "x", "name": "x", "kind": "subsidy", "expires_at": "2024-01-01", "valid_days": 3 }),
        json!({ "code": "x", "name": "x", "kind": "subsidy", "expires_at": "someday" }),
        json!({ "code": "x", "name": "x", "kind": "subsidy", "store_ids": [999] }),
        json!({ "code": "x", "name": "x", "kind": "subsidy", "budget": -5 }),
        json!({ "code": "x", "name": "x", "kind": "premium", "charge_premium": { "rate_percent": 12.345 } }),
        json!({ "code": "x", "name": "x", "kind": "cash", "charge_premium": { "rate_percent": 10 } }),
        json!({ "code": "x", "name": "x", "kind": "subsidy", "colour": "red" }),
    ] {
        let r = create(bad.clone());
        assert_eq!(
            (r.status, r.code().as_str()),
            (400, "invalid_request"),
            "{bad}: {}",
            r.text()
        );
    }
    assert_eq!(
        s.as_(&s.token("operator", None))
            .post(
                "/api/v1/programs",
                &json!({ "code": "y", "name": "y", "kind": "subsidy" })
            )
            .status,
        403
    );
    s.verify();
}

#[test]
fn verify_catches_each_kind_of_ledger_damage() {
    let s = Server::start();
    let (id, me) = s.resident("victim");
    let (_, code, _) = s.store("店", "shop");
    charge(&s, &me, id, 5000);
    assert_eq!(pay(&s, &me, &code, 1200).status, 201);
    s.verify();
    let damage = |sql: &str, expect: &[&str]| {
        let dir = TempDir::new();
        let copy = dir.0.join("copy.db");
        rusqlite::Connection::open(&s.db)
            .unwrap()
            .execute("VACUUM INTO ?1", [path_of(&copy)])
            .unwrap();
        let c = rusqlite::Connection::open(&copy).unwrap();
        c.execute_batch(sql).unwrap();
        drop(c);
        let out = meguri(&["verify", "--db", path_of(&copy)]);
        assert_eq!(out.status.code(), Some(1), "{sql} went unnoticed");
        let text = stdout(&out);
        for e in expect {
            assert!(
                text.contains(&format!("BROKEN  {e}")),
                "{sql}: expected {e} in\n{text}"
            );
        }
    };
    damage(
        "UPDATE lots SET remaining = remaining + 100 WHERE id = 1",
        &[
            "lots equal their postings",
            "issued = outstanding + redeemed + expired",
        ],
    );
    damage(
        "UPDATE postings SET amount = amount + 1 WHERE id = (SELECT max(id) FROM postings)",
        &[
            "journal entries balance",
            "journal hash chain intact",
            "all accounts sum to zero",
        ],
    );
    damage(
        "PRAGMA foreign_keys = OFF; DELETE FROM postings WHERE entry_id = 1; DELETE FROM entries WHERE id = 1;",
        &["journal hash chain intact"],
    );
    damage(
        "UPDATE entries SET at = at + 60 WHERE id = 2",
        &["journal hash chain intact"],
    );
    damage(
        "UPDATE payments SET refunded = 100",
        &["payments match their parts"],
    );
    damage(
        "PRAGMA ignore_check_constraints = ON; UPDATE lots SET remaining = -5 WHERE id = 1; UPDATE postings SET amount = -5 WHERE account = 'lot' AND ref_id = 1 AND amount > 0;",
        &["no negative balance"],
    );
    // The money that paid turned into points: a yen payment drew a points lot.
    damage(
        "PRAGMA foreign_keys = OFF; UPDATE programs SET kind = 'points' WHERE code = 'cash';",
        &["yen and points never mix"],
    );
}
