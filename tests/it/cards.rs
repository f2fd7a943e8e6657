//! Printed QR cards over HTTP: a batch issued, a card sold for cash at a card-selling
//! store, paid with at another store's till, read on any phone without logging in, and
//! moved into a smartphone account; forged, frozen and moved cards refused. Every
//! scenario ends with `meguri verify`.

use serde_json::{Value, json};

use crate::support::{Browser, Server, csrf_of};

/// A store that sells cards, with a staff login: (store id, merchant token).
fn seller(s: &Server) -> (i64, String) {
    let admin = s.admin();
    let r = s.as_(&admin).post(
        "/api/v1/stores",
        &json!({ "name": "めぐり観光案内所", "name_kana": "メグリカンコウアンナイジョ", "category": "サービス",
                 "address": "めぐり市本町2-2", "sells_cards": true }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let r = s.as_(&admin).post(
        &format!("/api/v1/stores/{id}/staff"),
        &json!({ "login": "annai", "password": "password-1234" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    (
        id,
        s.token("merchant", Some(r.json()["id"].as_i64().unwrap())),
    )
}

fn batch(s: &Server, body: Value) -> Vec<Value> {
    let r = s.as_(&s.admin()).post("/api/v1/card-batches", &body);
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["cards"].as_array().unwrap().clone()
}

/// The path of a card's QR on this server (`/c/SERIAL-MAC`).
fn path_of(card: &Value) -> String {
    let qr = card["qr"].as_str().unwrap();
    qr[qr.find("/c/").unwrap()..].to_owned()
}

fn cpm(s: &Server, merchant: &str, store: i64, token: &str, amount: i64) -> crate::support::Resp {
    s.as_(merchant).post(
        &format!("/api/v1/stores/{store}/payments"),
        &json!({ "token": token, "amount": amount }),
    )
}

#[test]
fn a_card_is_sold_for_cash_pays_shows_its_balance_and_moves_into_the_app() {
    let s = Server::start();
    let (seller_id, clerk) = seller(&s);
    let (shop, _, shop_clerk) = s.store("めぐり青果店", "seika");
    let cards = batch(&s, json!({ "count": 12, "kind": "rechargeable" }));
    assert_eq!(cards.len(), 12);
    let serials: Vec<&str> = cards
        .iter()
        .map(|c| c["serial"].as_str().unwrap())
        .collect();
    assert!(serials.iter().all(|s| s.len() == 12), "{serials:?}");
    let card = &cards[0];
    let id = card["id"].as_i64().unwrap();
    let qr = card["qr"].as_str().unwrap();

    // Not sold yet: it neither pays nor takes a charge.
    let r = cpm(&s, &shop_clerk, shop, qr, 100);
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (422, Some("card_invalid")),
        "{}",
        r.text()
    );

    // A store that does not sell cards cannot sell one.
    let r = s.as_(&shop_clerk).post(
        &format!("/api/v1/cards/{id}/sale"),
        &json!({ "amount": 3000 }),
    );
    assert_eq!(r.status, 403, "{}", r.text());

    // The seller takes 3,000 yen in cash for it; the second sale is refused.
    let r = s.as_(&clerk).post(
        &format!("/api/v1/cards/{id}/sale"),
        &json!({ "amount": 3000 }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["balance"], 3000);
    let r = s.as_(&clerk).post(
        &format!("/api/v1/cards/{id}/sale"),
        &json!({ "amount": 3000 }),
    );
    assert_eq!(r.status, 409, "{}", r.text());

    // A recharge in cash at the seller, through the charges endpoint.
    let r = s.as_(&clerk).post(
        "/api/v1/charges",
        &json!({ "card_id": id, "amount": 2000, "method": "cash" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["balance"], 5000);
    // Not by card or bank, and not into a resident's wallet.
    let r = s.as_(&clerk).post(
        "/api/v1/charges",
        &json!({ "card_id": id, "amount": 2000, "method": "credit_card" }),
    );
    assert_eq!(r.status, 403, "{}", r.text());
    let (resident, me) = s.resident("hanako");
    let r = s.as_(&clerk).post(
        "/api/v1/charges",
        &json!({ "resident_id": resident, "amount": 2000, "method": "cash" }),
    );
    assert_eq!(r.status, 403, "{}", r.text());

    // Paid with at another store's till.
    let r = cpm(&s, &shop_clerk, shop, qr, 1200);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["balance_after"], 3800);

    // Forged: a changed MAC letter, a changed serial digit, another city's code.
    let forged = format!(
        "{}{}",
        &qr[..qr.len() - 1],
        if qr.ends_with('A') { 'B' } else { 'A' }
    );
    let other = cards[1]["qr"].as_str().unwrap();
    let swapped = format!(
        "{}{}",
        &qr[..qr.rfind('-').unwrap()],
        &other[other.rfind('-').unwrap()..]
    );
    for bad in [
        forged.as_str(),
        swapped.as_str(),
        "https://other-city.example/c/000000000018-ABCDEFGHJKLMNP",
    ] {
        let r = cpm(&s, &shop_clerk, shop, bad, 100);
        assert_eq!(
            (r.status, r.json()["error"]["code"].as_str()),
            (422, Some("card_invalid")),
            "{bad}: {}",
            r.text()
        );
    }

    // Anyone holding the card sees what it holds, without logging in, and no names.
    let mut phone = Browser::new(&s);
    let page = phone.get(&path_of(card));
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(html.contains("3,800"), "{html}");
    assert!(
        html.contains(&format!(
            "{} {} {}",
            &serials[0][..4],
            &serials[0][4..8],
            &serials[0][8..]
        )),
        "{html}"
    );
    assert!(!html.contains("テスト 住民"), "no personal data");
    assert_eq!(phone.get(&path_of(&json!({ "qr": forged }))).status, 422);

    // Frozen when lost: it pays nothing; unfrozen, it pays again.
    let admin = s.admin();
    let r = s
        .as_(&admin)
        .post(&format!("/api/v1/cards/{id}/freeze"), &json!({}));
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (200, Some("frozen")),
        "{}",
        r.text()
    );
    let r = cpm(&s, &shop_clerk, shop, qr, 100);
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (422, Some("card_invalid"))
    );
    let r = s
        .as_(&admin)
        .post(&format!("/api/v1/cards/{id}/unfreeze"), &json!({}));
    assert_eq!(r.status, 200, "{}", r.text());

    // A resident logs in on the card's page and moves it all into the app, once.
    let mut b = Browser::new(&s);
    b.login("hanako", "password-1234");
    let page = b.get(&path_of(card));
    let key =
        crate::support::Html::parse(&page.text()).attrs("input[name=key]", "value")[0].clone();
    let fields = [("csrf", csrf_of(&page.text())), ("key", key)];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post_form(&path_of(card), &fields);
    assert_eq!(r.status, 303, "{}", r.text());
    // Pressed again (or reloaded): the same answer, nothing moved twice.
    let again = b.post_form(&path_of(card), &fields);
    assert_eq!(again.status, 303, "{}", again.text());
    assert_eq!(s.total(&me), 3800);
    let r = cpm(&s, &shop_clerk, shop, qr, 100);
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (422, Some("card_invalid"))
    );
    let r = s
        .as_(&me)
        .post("/api/v1/me/card-migrations", &json!({ "card_qr": qr }));
    assert_eq!(r.status, 409, "{}", r.text());
    let history = s.as_(&me).get("/api/v1/me/transactions").json();
    assert_eq!(history["items"][0]["kind"], "card_move", "{history}");

    // The office's look at the card: migrated, nothing left.
    let r = s.as_(&admin).get(&format!("/api/v1/cards/{id}"));
    assert_eq!(
        (
            r.json()["status"].as_str(),
            r.json()["balance"]["total"].as_i64()
        ),
        (Some("migrated"), Some(0))
    );
    let _ = seller_id;
    s.verify();
}

#[test]
fn a_single_use_card_carries_its_preload_and_is_never_recharged() {
    let s = Server::start();
    let (_, clerk) = seller(&s);
    let (shop, _, shop_clerk) = s.store("めぐり青果店", "seika");
    let cards = batch(
        &s,
        json!({ "count": 2, "kind": "single_use", "preload": { "program": "cash", "amount": 5000 } }),
    );
    let id = cards[0]["id"].as_i64().unwrap();
    let r = s
        .as_(&clerk)
        .post(&format!("/api/v1/cards/{id}/sale"), &json!({}));
    assert_eq!(
        (r.status, r.json()["balance"].as_i64()),
        (201, Some(5000)),
        "{}",
        r.text()
    );
    let r = s.as_(&clerk).post(
        "/api/v1/charges",
        &json!({ "card_id": id, "amount": 5000, "method": "cash" }),
    );
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (422, Some("rule_violation")),
        "{}",
        r.text()
    );
    let qr = cards[0]["qr"].as_str().unwrap();
    assert_eq!(cpm(&s, &shop_clerk, shop, qr, 5000).status, 201);
    let r = cpm(&s, &shop_clerk, shop, qr, 1);
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (422, Some("insufficient_funds"))
    );

    // Bad batches change nothing.
    for bad in [
        json!({ "count": 0, "kind": "rechargeable" }),
        json!({ "count": 100_001, "kind": "rechargeable" }),
        json!({ "count": 1, "kind": "single_use" }),
        json!({ "count": 1, "kind": "rechargeable", "preload": { "program": "cash", "amount": 100 } }),
        json!({ "count": 1, "kind": "paper" }),
        json!({ "count": 1, "kind": "single_use", "preload": { "program": "nope", "amount": 100 } }),
    ] {
        let r = s.as_(&s.admin()).post("/api/v1/card-batches", &bad);
        assert!(
            matches!(r.status, 400 | 404),
            "{bad}: {} {}",
            r.status,
            r.text()
        );
    }
    // Only the admin issues cards.
    let r = s.as_(&clerk).post(
        "/api/v1/card-batches",
        &json!({ "count": 1, "kind": "rechargeable" }),
    );
    assert_eq!(r.status, 403);
    s.verify();
}

#[test]
fn grants_reach_sold_cards_and_large_batches_are_paged() {
    let s = Server::start();
    let (_, clerk) = seller(&s);
    let r = s.as_(&s.admin()).post(
        "/api/v1/card-batches",
        &json!({ "count": 1500, "kind": "rechargeable" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let batch = r.json()["batch_id"].as_i64().unwrap();
    assert!(
        r.json().get("cards").is_none(),
        "over 1,000 cards are paged"
    );
    let page = s
        .as_(&s.admin())
        .get(&format!("/api/v1/card-batches/{batch}/cards?limit=500"))
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 500);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let page2 = s
        .as_(&s.admin())
        .get(&format!(
            "/api/v1/card-batches/{batch}/cards?limit=500&cursor={cursor}"
        ))
        .json();
    assert_ne!(page2["items"][0]["serial"], page["items"][0]["serial"]);
    let id = page["items"][0]["id"].as_i64().unwrap();
    let unsold = page["items"][1]["id"].as_i64().unwrap();

    crate::ledger::program(
        &s,
        json!({ "code": "gift", "name": "お祝い", "kind": "subsidy" }),
    );
    let grant = |ids: Value| {
        s.as_(&s.admin()).post(
            "/api/v1/grants",
            &json!({ "program": "gift", "amount": 1000, "card_ids": ids }),
        )
    };
    assert_eq!(
        grant(json!([unsold])).status,
        422,
        "an unsold card takes nothing"
    );
    assert_eq!(
        s.as_(&clerk)
            .post(&format!("/api/v1/cards/{id}/sale"), &json!({}))
            .status,
        201
    );
    let r = grant(json!([id]));
    assert_eq!(r.status, 201, "{}", r.text());
    let card = s.as_(&s.admin()).get(&format!("/api/v1/cards/{id}")).json();
    assert_eq!(card["balance"]["total"], 1000, "{card}");
    s.verify();
}

#[test]
fn the_office_issues_and_sells_a_card_and_a_seller_charges_it_in_the_pages_once() {
    let s = Server::start();
    let (_, _) = seller(&s);
    let mut office = Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut office);
    let r = office.submit(
        "/office/cards",
        "/office/cards",
        &[
            ("count", "3"),
            ("kind", "rechargeable"),
            ("program", ""),
            ("amount", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let batch = r.header("location").unwrap().to_owned();
    let page = office.get(&batch);
    assert!(page.text().contains("0000 0000 0018"), "{}", page.text());
    // Found by its serial as typed, spaces and all.
    let r = office.get("/office/cards/find?serial=0000+0000+0018");
    assert_eq!(r.header("location"), Some("/office/cards/1"));
    let r = office.get("/office/cards/find?serial=0000+0000+0019");
    assert_eq!(r.status, 404);

    // Sold at the counter for 2,000 yen; pressing again (or Back and again) sells once.
    let page = office.get("/office/cards/1");
    let html = page.text();
    let key = crate::support::Html::parse(&html).attrs("input[name=key]", "value")[0].clone();
    let csrf = csrf_of(&html);
    let fields = [
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
        ("amount", "2000"),
    ];
    let r = office.post_form("/office/cards/1/sell", &fields);
    assert_eq!(r.status, 303, "{}", r.text());
    let r = office.post_form("/office/cards/1/sell", &fields);
    assert_eq!(
        r.status,
        303,
        "the same form again answers as before: {}",
        r.text()
    );
    let card = s.as_(&s.admin()).get("/api/v1/cards/1").json();
    assert_eq!(
        (card["status"].as_str(), card["balance"]["total"].as_i64()),
        (Some("active"), Some(2000))
    );

    // The card-selling store charges it 1,000 yen in cash from its own page, once.
    let qr = s.as_(&s.admin()).get("/api/v1/card-batches/1/cards").json()["items"][0]["qr"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut clerk = Browser::new(&s);
    clerk.login("annai", "password-1234");
    let page = clerk.get("/shop/cards");
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    let key = crate::support::Html::parse(&html).attrs("input[name=key]", "value")[0].clone();
    let csrf = csrf_of(&html);
    let fields = [
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
        ("code", qr.as_str()),
        ("amount", "1000"),
    ];
    let r = clerk.post_form("/shop/cards", &fields);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(clerk.get(r.header("location").unwrap()).status, 200);
    assert_eq!(clerk.post_form("/shop/cards", &fields).status, 303);
    let card = s.as_(&s.admin()).get("/api/v1/cards/1").json();
    assert_eq!(card["balance"]["total"], 3000, "charged once: {card}");

    // Lost: stopped from its page.
    let page = office.get("/office/cards/1");
    let r = office.post_form(
        "/office/cards/1/freeze",
        &[("csrf", &csrf_of(&page.text()))],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        s.as_(&s.admin()).get("/api/v1/cards/1").json()["status"],
        "frozen"
    );
    s.verify();
}

#[test]
fn a_lost_card_is_reissued_with_its_lots_and_expiries_and_the_old_one_pays_no_more() {
    let s = Server::start();
    let (_, clerk) = seller(&s);
    let (shop, _, shop_clerk) = s.store("めぐり青果店", "seika");
    crate::ledger::program(
        &s,
        json!({ "code": "gift", "name": "お祝い", "kind": "subsidy", "expires_at": "2099-03-31" }),
    );
    let cards = batch(&s, json!({ "count": 3, "kind": "rechargeable" }));
    let single = batch(
        &s,
        json!({ "count": 1, "kind": "single_use", "preload": { "program": "cash", "amount": 1000 } }),
    );
    let (lost, new, other) = (
        cards[0]["id"].as_i64().unwrap(),
        cards[1]["id"].as_i64().unwrap(),
        cards[2]["id"].as_i64().unwrap(),
    );
    assert_eq!(
        s.as_(&clerk)
            .post(
                &format!("/api/v1/cards/{lost}/sale"),
                &json!({ "amount": 2000 })
            )
            .status,
        201
    );
    assert_eq!(
        s.as_(&clerk)
            .post(&format!("/api/v1/cards/{other}/sale"), &json!({}))
            .status,
        201
    );
    let r = s.as_(&s.admin()).post(
        "/api/v1/grants",
        &json!({ "program": "gift", "amount": 500, "card_ids": [lost] }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let admin = s.admin();
    let before =
        s.as_(&admin).get(&format!("/api/v1/cards/{lost}")).json()["balance"]["lots"].clone();
    assert_eq!(
        s.as_(&admin)
            .post(&format!("/api/v1/cards/{lost}/freeze"), &json!({}))
            .status,
        200
    );

    let reissue = |to: i64| {
        s.as_(&admin).post(
            &format!("/api/v1/cards/{lost}/reissue"),
            &json!({ "new_card_id": to }),
        )
    };
    for refused in [other, single[0]["id"].as_i64().unwrap(), lost] {
        let r = reissue(refused);
        assert_eq!(r.status, 409, "onto card {refused}: {}", r.text());
    }
    let r = reissue(new);
    assert_eq!(
        (r.status, r.json()["moved_amount"].as_i64()),
        (201, Some(2500)),
        "{}",
        r.text()
    );
    assert_eq!(reissue(new).status, 409, "a reissued card is spent");
    let after = s.as_(&admin).get(&format!("/api/v1/cards/{new}")).json();
    assert_eq!(
        (after["status"].as_str(), &after["balance"]["lots"]),
        (Some("active"), &before),
        "lots and expiries as they were"
    );

    let pay = |card: &Value, amount: i64| {
        s.as_(&shop_clerk).post(
            &format!("/api/v1/stores/{shop}/payments"),
            &json!({ "token": card["qr"], "amount": amount }),
        )
    };
    assert_eq!(
        pay(&cards[0], 100).status,
        422,
        "the lost card pays no more"
    );
    assert_eq!(pay(&cards[1], 2500).status, 201);
    s.verify();
}

#[test]
fn a_card_with_a_pin_pays_only_with_it_and_wrong_pins_lock_it_for_a_while() {
    let s = Server::start();
    s.set_clock("2026-12-03T10:00:00+09:00");
    let (_, clerk) = seller(&s);
    let (shop, _, shop_clerk) = s.store("めぐり青果店", "seika");
    let cards = batch(
        &s,
        json!({ "count": 1, "kind": "rechargeable", "pin": true }),
    );
    let (id, qr) = (
        cards[0]["id"].as_i64().unwrap(),
        cards[0]["qr"].as_str().unwrap(),
    );
    let sale = |body: Value| {
        s.as_(&clerk)
            .post(&format!("/api/v1/cards/{id}/sale"), &body)
    };
    assert_eq!(
        sale(json!({ "amount": 3000 })).status,
        400,
        "the buyer chooses a PIN"
    );
    assert_eq!(sale(json!({ "amount": 3000, "pin": "12345" })).status, 400);
    assert_eq!(sale(json!({ "amount": 3000, "pin": "12a4" })).status, 400);
    assert_eq!(sale(json!({ "amount": 3000, "pin": "2580" })).status, 201);

    let pay = |pin: Option<&str>| {
        let mut body = json!({ "token": qr, "amount": 100 });
        if let Some(p) = pin {
            body["pin"] = json!(p);
        }
        let r = s
            .as_(&shop_clerk)
            .post(&format!("/api/v1/stores/{shop}/payments"), &body);
        (
            r.status,
            r.json()["error"]["code"].as_str().map(str::to_owned),
        )
    };
    assert_eq!(pay(None), (422, Some("card_invalid".into())));
    assert_eq!(pay(Some("2580")).0, 201);
    for _ in 0..5 {
        assert_eq!(pay(Some("0000")), (422, Some("card_invalid".into())));
    }
    // Locked: even the right PIN waits, and nothing is paid.
    assert_eq!(pay(Some("2580")), (429, Some("rate_limited".into())));
    let (resident, me) = s.resident("hanako");
    let r = s.as_(&me).post(
        "/api/v1/me/card-migrations",
        &json!({ "card_qr": qr, "pin": "2580" }),
    );
    assert_eq!(r.status, 429, "{}", r.text());
    s.set_clock("2026-12-03T10:31:00+09:00");
    let r = s
        .as_(&me)
        .post("/api/v1/me/card-migrations", &json!({ "card_qr": qr }));
    assert_eq!(r.status, 422, "moving needs the PIN too: {}", r.text());
    let r = s.as_(&me).post(
        "/api/v1/me/card-migrations",
        &json!({ "card_qr": qr, "pin": "2580" }),
    );
    assert_eq!(
        (r.status, r.json()["moved_amount"].as_i64()),
        (201, Some(2900)),
        "{}",
        r.text()
    );
    let _ = resident;
    s.verify();
}
