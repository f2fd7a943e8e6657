//! The money ledger over HTTP: charges, premiums, payments, refunds, tax, expiry,
//! idempotency and concurrency (more in `ledger_rules`). Every scenario ends with `meguri verify`.

use serde_json::{Value, json};

use crate::support::Server;

pub(crate) fn charge(s: &Server, token: &str, resident: i64, amount: i64) -> Value {
    let r = s.as_(token).post(
        "/api/v1/charges",
        &json!({ "resident_id": resident, "amount": amount, "method": "credit_card" }),
    );
    assert_eq!(r.status, 201, "charge: {}", r.text());
    r.json()
}

pub(crate) fn pay(s: &Server, token: &str, code: &str, amount: i64) -> crate::support::Resp {
    s.as_(token).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": amount }),
    )
}

pub(crate) fn balance(s: &Server, token: &str) -> Value {
    let r = s.as_(token).get("/api/v1/me/balance");
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

pub(crate) fn program(s: &Server, body: Value) {
    let r = s.as_(&s.admin()).post("/api/v1/programs", &body);
    assert_eq!(r.status, 201, "program: {}", r.text());
}

pub(crate) fn figures(s: &Server, code: &str) -> Value {
    let list = s.as_(&s.admin()).get("/api/v1/programs").json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == code)
        .cloned()
        .unwrap()
}

#[test]
fn charge_then_pay_by_store_code() {
    let s = Server::start();
    let (id, me) = s.resident("hanako");
    let (store, code, _) = s.store("めぐり青果店", "seika");
    let c = charge(&s, &me, id, 10_000);
    assert_eq!(
        (
            c["amount"].as_i64(),
            c["premium_granted"].as_i64(),
            c["balance"].as_i64()
        ),
        (Some(10_000), Some(0), Some(10_000))
    );
    let r = pay(&s, &me, &code, 1_500);
    assert_eq!(r.status, 201, "{}", r.text());
    let p = r.json();
    assert_eq!(p["store"], json!({ "id": store, "name": "めぐり青果店" }));
    assert_eq!(p["amount"], 1_500);
    assert_eq!(
        p["breakdown"],
        json!([{ "program": "cash", "amount": 1500 }])
    );
    assert_eq!(p["balance_after"], 8_500);
    assert!(p["paid_at"].as_str().unwrap().ends_with("+09:00"));
    assert_eq!(s.total(&me), 8_500);
    let history = s.as_(&me).get("/api/v1/me/transactions").json();
    let kinds: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["payment", "charge"]);
    assert_eq!(history["items"][0]["store"]["name"], "めぐり青果店");
    assert_eq!(history["items"][0]["amount"], 1_500);
    // Staff see the same balance.
    let b = s
        .as_(&s.token("operator", None))
        .get(&format!("/api/v1/residents/{id}/balance"))
        .json();
    assert_eq!(b["total"], 8_500);
    let cash = figures(&s, "cash");
    assert_eq!(
        (
            cash["issued"].as_i64(),
            cash["outstanding"].as_i64(),
            cash["redeemed"].as_i64()
        ),
        (Some(10_000), Some(8_500), Some(1_500))
    );
    s.verify();
}

#[test]
fn premium_on_charge_is_capped_per_person_and_by_budget() {
    let s = Server::start();
    s.set_clock("2024-12-01T10:00:00+09:00");
    program(
        &s,
        json!({ "code": "premium-2024", "name": "プレミアム付き 2024", "kind": "premium", "expires_at": "2025-02-28",
                "budget": 5000, "charge_premium": { "rate_percent": 20, "cap_per_person": 3000 } }),
    );
    let (a, ta) = s.resident("a-san");
    let (b, tb) = s.resident("b-san");
    let (c, tc) = s.resident("c-san");
    assert_eq!(charge(&s, &ta, a, 10_000)["premium_granted"], 2_000);
    assert_eq!(
        charge(&s, &ta, a, 10_000)["premium_granted"],
        1_000,
        "person cap 3,000"
    );
    assert_eq!(
        charge(&s, &tb, b, 10_000)["premium_granted"],
        2_000,
        "budget now used up"
    );
    let rc = charge(&s, &tc, c, 10_000);
    assert_eq!(
        (rc["premium_granted"].as_i64(), rc["balance"].as_i64()),
        (Some(0), Some(10_000))
    );
    // Charging into the campaign itself stops once its budget is spent.
    let r = s.as_(&tc).post(
        "/api/v1/charges",
        &json!({ "resident_id": c, "amount": 1000, "method": "bank", "program": "premium-2024" }),
    );
    assert_eq!((r.status, r.code().as_str()), (422, "budget_exhausted"));

    // Premium lots expire sooner, so they are listed (and spent) first.
    let bal = balance(&s, &ta);
    assert_eq!(bal["total"], 23_000);
    assert_eq!(bal["lots"][0]["program"], "premium-2024");
    assert_eq!(bal["lots"][0]["expires_at"], "2025-03-01T00:00:00+09:00");
    let (_, code, _) = s.store("店", "shop");
    let p = pay(&s, &ta, &code, 3_500).json();
    // The two premium lots (2,000 and 1,000) show as one line per program.
    assert_eq!(
        p["breakdown"],
        json!([{ "program": "premium-2024", "amount": 3000 }, { "program": "cash", "amount": 500 }])
    );
    let f = figures(&s, "premium-2024");
    assert_eq!(
        (
            f["issued"].as_i64(),
            f["redeemed"].as_i64(),
            f["outstanding"].as_i64()
        ),
        (Some(5_000), Some(3_000), Some(2_000))
    );
    s.verify();
}

#[test]
fn restricted_gift_is_spent_first_and_only_where_allowed() {
    let s = Server::start();
    let (store1, code1, _) = s.store("指定店", "shop1");
    let (_, code2, _) = s.store("他の店", "shop2");
    program(
        &s,
        json!({ "code": "birth-gift", "name": "出産・子育て応援ギフト", "kind": "subsidy", "store_ids": [store1], "valid_days": 180 }),
    );
    let (id, me) = s.resident("mama");
    let r = s.as_(&s.admin()).post(
        "/api/v1/grants",
        &json!({ "program": "birth-gift", "amount": 3000, "resident_ids": [id] }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["status"], "done");
    charge(&s, &me, id, 1_000);
    // At another store only cash pays: 1,200 is more than the cash there.
    let before = balance(&s, &me);
    let r = pay(&s, &me, &code2, 1_200);
    assert_eq!((r.status, r.code().as_str()), (422, "insufficient_funds"));
    assert_eq!(
        balance(&s, &me),
        before,
        "a refused payment changes nothing"
    );
    let p = pay(&s, &me, &code2, 1_000).json();
    assert_eq!(
        p["breakdown"],
        json!([{ "program": "cash", "amount": 1000 }])
    );
    charge(&s, &me, id, 1_000);
    // At the designated store the gift goes first.
    let p = pay(&s, &me, &code1, 3_500).json();
    assert_eq!(
        p["breakdown"],
        json!([{ "program": "birth-gift", "amount": 3000 }, { "program": "cash", "amount": 500 }])
    );
    // City tax cannot be paid with the gift (none left anyway) but with cash.
    let r = s.as_(&me).post(
        "/api/v1/tax-payments",
        &json!({ "amount": 500, "notice_number": "2024-0001" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        r.json()["breakdown"],
        json!([{ "program": "cash", "amount": 500 }])
    );
    s.verify();
}

#[test]
fn tax_uses_only_tax_payable_value() {
    let s = Server::start();
    program(
        &s,
        json!({ "code": "points", "name": "行政ポイント", "kind": "subsidy" }),
    );
    let (id, me) = s.resident("taxpayer");
    s.as_(&s.admin()).post(
        "/api/v1/grants",
        &json!({ "program": "points", "amount": 5000, "resident_ids": [id] }),
    );
    charge(&s, &me, id, 2_000);
    let r = s.as_(&me).post(
        "/api/v1/tax-payments",
        &json!({ "amount": 3000, "notice_number": "A-1" }),
    );
    assert_eq!((r.status, r.code().as_str()), (422, "insufficient_funds"));
    let r = s.as_(&me).post(
        "/api/v1/tax-payments",
        &json!({ "amount": 2000, "notice_number": "A-1" }),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["store"], Value::Null);
    let r = s.as_(&me).post(
        "/api/v1/tax-payments",
        &json!({ "amount": 1, "notice_number": "" }),
    );
    assert_eq!(r.status, 400);
    assert_eq!(s.total(&me), 5_000);
    s.verify();
}

#[test]
fn value_expires_exactly_at_the_boundary_in_jst() {
    let s = Server::start();
    s.set_clock("2024-12-31T12:00:00+09:00");
    program(
        &s,
        json!({ "code": "year-end", "name": "年末応援", "kind": "subsidy", "expires_at": "2024-12-31" }),
    );
    let (id, me) = s.resident("late");
    s.as_(&s.admin()).post(
        "/api/v1/grants",
        &json!({ "program": "year-end", "amount": 2000, "resident_ids": [id] }),
    );
    let (_, code, _) = s.store("店", "shop");
    s.set_clock("2024-12-31T23:59:59+09:00");
    assert_eq!(
        pay(&s, &me, &code, 500).status,
        201,
        "usable in the last second"
    );
    s.set_clock("2025-01-01T00:00:00+09:00");
    assert_eq!(s.total(&me), 0);
    let r = pay(&s, &me, &code, 1);
    assert_eq!((r.status, r.code().as_str()), (422, "insufficient_funds"));
    let f = figures(&s, "year-end");
    assert_eq!(
        (
            f["issued"].as_i64(),
            f["redeemed"].as_i64(),
            f["expired"].as_i64(),
            f["outstanding"].as_i64()
        ),
        (Some(2000), Some(500), Some(1500), Some(0))
    );
    let kinds: Vec<String> = s.as_(&me).get("/api/v1/me/transactions").json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, vec!["expiry", "payment", "grant"]);
    // Moving the clock again expires nothing twice.
    s.set_clock("2025-01-02T00:00:00+09:00");
    assert_eq!(figures(&s, "year-end")["expired"], 1500);
    s.verify();
}

#[test]
fn refunds_return_value_to_its_lots() {
    let s = Server::start();
    s.set_clock("2024-12-01T10:00:00+09:00");
    let (store, code, merchant) = s.store("店", "shop");
    let (_, _, other_merchant) = s.store("別の店", "other");
    program(
        &s,
        json!({ "code": "gift", "name": "ギフト", "kind": "subsidy", "expires_at": "2024-12-10" }),
    );
    let (id, me) = s.resident("buyer");
    s.as_(&s.admin()).post(
        "/api/v1/grants",
        &json!({ "program": "gift", "amount": 1000, "resident_ids": [id] }),
    );
    charge(&s, &me, id, 2000);
    let p = pay(&s, &me, &code, 2500).json();
    let pid = p["payment_id"].as_i64().unwrap();
    assert_eq!(
        p["breakdown"],
        json!([{ "program": "gift", "amount": 1000 }, { "program": "cash", "amount": 1500 }])
    );
    let refund = |token: &str, amount: i64| {
        s.as_(token).post(
            &format!("/api/v1/payments/{pid}/refunds"),
            &json!({ "amount": amount }),
        )
    };
    // Another store cannot touch it; a resident cannot refund.
    assert_eq!(refund(&other_merchant, 100).status, 404);
    assert_eq!(refund(&me, 100).status, 403);
    // A partial refund returns the value spent last (cash) first.
    let r = refund(&merchant, 1000);
    assert_eq!(r.status, 201, "{}", r.text());
    // Cash: 2,000 charged, 1,500 spent, 1,000 back.
    let lots = balance(&s, &me)["lots"].clone();
    assert_eq!(
        lots,
        json!([{ "program": "cash", "program_name": "通常チャージ", "amount": 1500, "expires_at": null, "restricted": false, "unit": "yen" }])
    );
    // Over the rest: refused, nothing changes.
    let r = refund(&merchant, 1501);
    assert_eq!((r.status, r.code().as_str()), (422, "limit_exceeded"));
    // The gift expired meanwhile: its share of the refund goes to expired, not back.
    s.set_clock("2024-12-11T10:00:00+09:00");
    assert_eq!(refund(&merchant, 1500).status, 201);
    assert_eq!(s.total(&me), 2000);
    assert_eq!(figures(&s, "gift")["expired"], 1000);
    assert_eq!(refund(&merchant, 1).code(), "limit_exceeded");
    let _ = store;
    s.verify();
}

#[test]
fn cpm_codes_are_short_lived_and_single_use() {
    let s = Server::start();
    let (store, _, merchant) = s.store("店", "shop");
    let (other_store, _, other_merchant) = s.store("別の店", "other");
    let (id, me) = s.resident("walker");
    charge(&s, &me, id, 5000);
    let t = s.as_(&me).get("/api/v1/me/qr-token").json();
    let token = t["token"].as_str().unwrap().to_owned();
    assert!(
        token.chars().all(|c| c.is_ascii_alphanumeric()) && token.len() <= 32,
        "small QR: {token}"
    );
    let take = |m: &str, store: i64, tok: &str, amount: i64| {
        s.as_(m).post(
            &format!("/api/v1/stores/{store}/payments"),
            &json!({ "token": tok, "amount": amount }),
        )
    };
    assert_eq!(
        take(&other_merchant, store, &token, 100).status,
        403,
        "not their store"
    );
    let r = take(&merchant, store, &token, 1200);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["balance_after"], 3800);
    let r = take(&merchant, store, &token, 1200);
    assert_eq!(
        (r.status, r.code().as_str()),
        (409, "conflict"),
        "used once only"
    );
    let t2 = s.as_(&me).get("/api/v1/me/qr-token").json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    s.advance(181);
    let r = take(&other_merchant, other_store, &t2, 100);
    assert_eq!((r.status, r.code().as_str()), (422, "expired"));
    let r = take(&merchant, store, "RNOTAREALTOKEN", 100);
    assert_eq!(r.status, 400);
    assert_eq!(s.total(&me), 3800);
    s.verify();
}

#[test]
fn retries_with_an_idempotency_key_move_value_once() {
    let s = Server::start();
    let (id, me) = s.resident("retry");
    let (_, code, _) = s.store("店", "shop");
    charge(&s, &me, id, 5000);
    let body = json!({ "store_code": code, "amount": 700 }).to_string();
    let send = |key: &str, body: &str| {
        s.as_(&me).send(
            "POST",
            "/api/v1/payments",
            Some(body.as_bytes()),
            &[("Idempotency-Key", key)],
        )
    };
    let first = send("pay-1", &body);
    assert_eq!(first.status, 201);
    let again = send("pay-1", &body);
    assert_eq!((again.status, again.json()), (201, first.json()));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(s.total(&me), 4300);
    let other = json!({ "store_code": code, "amount": 800 }).to_string();
    let r = send("pay-1", &other);
    assert_eq!((r.status, r.code().as_str()), (409, "idempotency_conflict"));
    assert_eq!(s.total(&me), 4300);
    // A refused request stores nothing: the same key may be used again after topping up.
    let big = json!({ "store_code": code, "amount": 9000 }).to_string();
    assert_eq!(send("pay-2", &big).code(), "insufficient_funds");
    charge(&s, &me, id, 5000);
    assert_eq!(send("pay-2", &big).status, 201);
    // The same key fired at once from many threads pays once.
    let body = json!({ "store_code": code, "amount": 10 }).to_string();
    let statuses: Vec<u16> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..8)
            .map(|_| sc.spawn(|| send("burst", &body).status))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|st| *st == 201), "{statuses:?}");
    assert_eq!(s.total(&me), 4300 + 5000 - 9000 - 10);
    s.verify();
}

#[test]
fn concurrent_payments_never_overdraw_a_wallet() {
    let s = Server::start_with(&["--sandbox", "--workers", "16"]);
    let (id, me) = s.resident("rush");
    let (_, code, _) = s.store("店", "shop");
    charge(&s, &me, id, 10_000);
    let results: Vec<(u16, String)> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..50)
            .map(|_| {
                sc.spawn(|| {
                    let r = pay(&s, &me, &code, 300);
                    let code = if r.status == 201 {
                        String::new()
                    } else {
                        r.code()
                    };
                    (r.status, code)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = results.iter().filter(|(st, _)| *st == 201).count() as i64;
    assert!(
        results
            .iter()
            .all(|(st, c)| *st == 201 || (*st == 422 && c == "insufficient_funds")),
        "{results:?}"
    );
    assert_eq!(ok, 33, "10,000 yen pays 33 times 300 yen");
    assert_eq!(s.total(&me), 10_000 - ok * 300);
    let cash = figures(&s, "cash");
    assert_eq!(cash["redeemed"].as_i64(), Some(ok * 300));
    s.verify();
}

/// Community points sit in the same wallet and never mix with yen: the balance's `total`
/// is yen only, `points` the live point lots, each lot names its unit, and a yen payment
/// never spends points.
#[test]
fn points_are_shown_beside_yen_and_never_pay_yen() {
    let s = Server::start();
    program(
        &s,
        json!({ "code": "civic", "name": "地域ポイント", "kind": "points", "valid_days": 90 }),
    );
    let (id, me) = s.resident("volunteer");
    let (_, code, _) = s.store("店", "shop");
    charge(&s, &me, id, 1000);
    let r = s.as_(&s.admin()).post(
        "/api/v1/grants",
        &json!({ "program": "civic", "amount": 300, "resident_ids": [id] }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let b = balance(&s, &me);
    assert_eq!(
        (b["total"].as_i64(), b["points"].as_i64()),
        (Some(1000), Some(300))
    );
    let units: Vec<(&str, i64)> = b["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["unit"].as_str().unwrap(), l["amount"].as_i64().unwrap()))
        .collect();
    assert_eq!(units.len(), 2);
    assert!(
        units.contains(&("yen", 1000)) && units.contains(&("points", 300)),
        "{units:?}"
    );
    // 1,300 would need the points: refused, nothing moves.
    let r = pay(&s, &me, &code, 1300);
    assert_eq!((r.status, r.code().as_str()), (422, "insufficient_funds"));
    assert_eq!(pay(&s, &me, &code, 1000).status, 201);
    let b = balance(&s, &me);
    assert_eq!(
        (b["total"].as_i64(), b["points"].as_i64()),
        (Some(0), Some(300))
    );
    // History names each line's unit: the points grant is not shown as yen.
    let h = s.as_(&me).get("/api/v1/me/transactions").json();
    let lines: Vec<(&str, &str, i64)> = h["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{h}"))
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().unwrap(),
                t["unit"].as_str().unwrap(),
                t["delta"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("payment", "yen", -1000),
            ("grant", "points", 300),
            ("charge", "yen", 1000)
        ]
    );
    // A points program is granted, never charged or bought with a premium.
    let r = s.as_(&s.admin()).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 500, "method": "admin", "program": "civic" }),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "invalid_request"));
    s.verify();
}
