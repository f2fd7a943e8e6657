//! The resident's phone pages over HTTP: charge with the premium shown first, pay by the
//! store's QR (double taps and reloads never pay twice), show a code that a store uses,
//! find stores, filter and download the history.

use serde_json::json;

use crate::support::{Browser, Html, Server, csrf_of};

fn resident_browser<'a>(s: &'a Server, login: &str) -> (Browser<'a>, i64, String) {
    let (id, token) = s.resident(login);
    let mut b = Browser::new(s);
    b.login(login, "password-1234");
    (b, id, token)
}

#[test]
fn charge_shows_the_premium_before_confirming_and_charges_once() {
    let s = Server::start();
    s.set_clock("2024-12-01T10:00:00+09:00");
    let r = s.as_(&s.admin()).post(
        "/api/v1/programs",
        &json!({ "code": "p", "name": "プレミアム", "kind": "premium", "expires_at": "2025-03-31", "charge_premium": { "rate_percent": 20 } }),
    );
    assert_eq!(r.status, 201);
    let (mut b, _, token) = resident_browser(&s, "hanako");
    let page = b.get("/app/charge");
    assert!(
        Html::parse(&page.text())
            .text("p.notice")
            .contains("テスト用"),
        "the sandbox provider says so"
    );
    let csrf = csrf_of(&page.text());
    let r = b.post_form(
        "/app/charge/confirm",
        &[
            ("csrf", &csrf),
            ("preset", "5000"),
            ("method", "credit_card"),
        ],
    );
    // The confirmation has its own address (Post/Redirect/Get).
    assert_eq!(r.status, 303, "{}", r.text());
    let r = b.get(r.header("location").unwrap());
    assert_eq!(r.status, 200, "{}", r.text());
    let confirm = Html::parse(&r.text());
    assert_eq!(
        confirm.texts("dl.confirm dd"),
        vec!["5,000円", "+1,000円", "6,000円", "クレジットカード"]
    );
    assert_eq!(s.total(&token), 0, "the preview moved nothing");
    let key = confirm.attrs("input[name=key]", "value")[0].clone();
    let csrf = csrf_of(&r.text());
    let fields = [
        ("csrf", csrf.as_str()),
        ("other", "5000"),
        ("method", "credit_card"),
        ("key", key.as_str()),
    ];
    let first = b.post_form("/app/charge", &fields);
    assert_eq!(first.status, 303, "{}", first.text());
    // Pressing the button twice (or reloading the POST) charges once.
    let second = b.post_form("/app/charge", &fields);
    assert_eq!(
        second.header("location").unwrap(),
        format!("{}?again=1", first.header("location").unwrap())
    );
    assert_eq!(s.total(&token), 6000);
    let receipt = Html::parse(&b.get(first.header("location").unwrap()).text());
    assert_eq!(
        receipt.texts("dl.confirm dd")[1..3],
        ["5,000円".to_owned(), "+1,000円".to_owned()]
    );
    // Bad amounts are explained on the form.
    let csrf = csrf_of(&b.get("/app/charge").text());
    let r = b.post_form("/app/charge/confirm", &[("csrf", &csrf), ("other", "abc")]);
    assert_eq!(r.status, 400);
    assert!(Html::parse(&r.text()).text(".alert").contains("金額"));
    // A method the page does not offer is refused, not taken as a card.
    let r = b.post_form(
        "/app/charge/confirm",
        &[("csrf", &csrf), ("preset", "1000"), ("method", "cash")],
    );
    assert_eq!(r.status, 400);
    assert!(
        Html::parse(&r.text())
            .text(".alert")
            .contains("お支払い方法")
    );
    s.verify();
}

#[test]
fn paying_at_a_store_qr_reaches_the_completion_screen_once() {
    let s = Server::start();
    s.set_clock("2024-12-01T10:05:30+09:00");
    let (_, code, merchant) = s.store("めぐり青果店", "seika");
    let (mut b, id, token) = resident_browser(&s, "hanako");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 5000, "method": "credit_card" }),
    );

    // Not logged in: the QR leads to the login page and back.
    let r = Browser::new(&s).get(&format!("/p/{code}"));
    assert_eq!(
        r.header("location"),
        Some(format!("/login?next=/p/{code}").as_str())
    );

    let page = b.get(&format!("/p/{code}"));
    let html = Html::parse(&page.text());
    assert_eq!(html.text("strong.store"), "めぐり青果店");
    assert_eq!(
        html.attrs("input[name=amount]", "inputmode"),
        vec!["numeric"]
    );
    let csrf = csrf_of(&page.text());
    let r = b.post_form(
        &format!("/p/{code}/confirm"),
        &[("csrf", &csrf), ("amount", "１,２８０")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let confirm_at = r.header("location").unwrap().to_owned();
    // A confirmation address someone else made up, or one with its amount changed,
    // leads to the empty amount form, never to a 支払う button.
    for forged in [
        format!("/p/{code}/confirm?amount=9000&key={}", "a".repeat(64)),
        confirm_at.replace("amount=1280", "amount=9000"),
    ] {
        let r = b.get(&forged);
        assert_eq!(r.status, 303, "{forged}");
        assert_eq!(r.header("location"), Some(format!("/p/{code}").as_str()));
    }
    let r = b.get(&confirm_at);
    assert_eq!(r.status, 200, "{}", r.text());
    let confirm = Html::parse(&r.text());
    assert_eq!(confirm.text("p.big-amount"), "1,280円");
    let key = confirm.attrs("input[name=key]", "value")[0].clone();
    let csrf = csrf_of(&r.text());
    let pay = [
        ("csrf", csrf.as_str()),
        ("amount", "1280"),
        ("key", key.as_str()),
    ];
    let done = b.post_form(&format!("/p/{code}"), &pay);
    assert_eq!(done.status, 303, "{}", done.text());
    let again = b.post_form(&format!("/p/{code}"), &pay);
    assert_eq!(
        again.header("location").unwrap(),
        format!("{}?again=1", done.header("location").unwrap()),
        "a double tap pays once"
    );
    assert_eq!(s.total(&token), 3720);

    let screen = b.get(done.header("location").unwrap());
    let html = Html::parse(&screen.text());
    assert_eq!(html.text("section.done p.store"), "めぐり青果店");
    assert_eq!(html.text("section.done p.amount"), "1,280円");
    assert_eq!(html.text("section.done span.time"), "10:05:30");
    assert_eq!(html.attrs("section.done", "class").len(), 1);
    assert!(html.attrs("section.done", "class")[0].starts_with("done day-"));
    // Reloading the completion screen is harmless; the store sees the same colour.
    assert_eq!(b.get(done.header("location").unwrap()).status, 200);
    assert_eq!(s.total(&token), 3720);
    let colour = html
        .text("p.daymark")
        .trim_start_matches("本日の色: ")
        .to_owned();
    let shop = Html::parse(&s.as_(&merchant).get("/shop").text());
    assert!(
        shop.texts("dd").iter().any(|d| d.trim() == colour),
        "the store's page shows today's colour {colour}"
    );

    // Another resident cannot open this receipt.
    let (mut other, _, _) = resident_browser(&s, "taro");
    assert_eq!(other.get(done.header("location").unwrap()).status, 404);

    // Too much: a clear message, nothing paid. A foreign code: a clear page.
    let csrf = csrf_of(&b.get(&format!("/p/{code}")).text());
    let r = b.post_form(
        &format!("/p/{code}"),
        &[("csrf", &csrf), ("amount", "9999"), ("key", "k2")],
    );
    assert_eq!(r.status, 422);
    assert!(Html::parse(&r.text()).text(".alert").contains("残高"));
    let r = b.get("/p/NOTASTORE");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("このQRコードのお店は見つかりません"));
    assert_eq!(s.total(&token), 3720);
    s.verify();
}

#[test]
fn the_payment_code_is_a_qr_that_a_store_can_use() {
    let s = Server::start();
    let (store, _, merchant) = s.store("喫茶 ひだまり", "cafe");
    let (mut b, id, token) = resident_browser(&s, "hanako");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 2000, "method": "credit_card" }),
    );
    let page = b.get("/app/qr");
    let html = Html::parse(&page.text());
    assert_eq!(html.attrs("svg.qr", "role"), vec!["img"]);
    let code = html.attrs("section.cpm", "data-token")[0].clone();
    assert_eq!(html.text("p.code-text code"), code);
    let status = |b: &mut Browser| b.get(&format!("/app/qr/status?token={code}")).text();
    assert_eq!(status(&mut b), r#"{"payment_id":null}"#);
    let r = s.as_(&merchant).post(
        &format!("/api/v1/stores/{store}/payments"),
        &json!({ "token": code, "amount": 450 }),
    );
    assert_eq!(r.status, 201);
    let paid: serde_json::Value = serde_json::from_str(&status(&mut b)).unwrap();
    assert_eq!(paid["payment_id"], r.json()["payment_id"]);
    let screen = Html::parse(
        &b.get(&format!("/app/payments/{}", paid["payment_id"]))
            .text(),
    );
    assert_eq!(screen.text("section.done p.amount"), "450円");
    // Someone else's code tells nothing.
    let (mut other, _, _) = resident_browser(&s, "taro");
    assert_eq!(
        other.get(&format!("/app/qr/status?token={code}")).status,
        404
    );
    s.verify();
}

#[test]
fn store_directory_finds_by_kana_and_category() {
    let s = Server::start();
    let admin = s.admin();
    for (name, kana, category, keywords) in [
        (
            "喫茶 ひだまり",
            "キッサ ヒダマリ",
            "飲食店",
            json!(["カフェ"]),
        ),
        (
            "めぐり青果店",
            "メグリセイカテン",
            "食料品",
            json!(["野菜"]),
        ),
    ] {
        let r = s.as_(&admin).post(
            "/api/v1/stores",
            &json!({ "name": name, "name_kana": kana, "category": category, "address": "本町", "keywords": keywords, "hours": "9:00〜18:00" }),
        );
        assert_eq!(r.status, 201);
    }
    let mut b = Browser::new(&s);
    let all = Html::parse(&b.get("/stores").text());
    assert_eq!(all.texts("ul.stores strong").len(), 2);
    assert_eq!(all.texts("select[name=category] option").len(), 3);
    let found = Html::parse(
        &b.get(&format!("/stores?q={}", crate::support::enc("ｶﾌｪ")))
            .text(),
    );
    assert_eq!(found.texts("ul.stores strong"), vec!["喫茶 ひだまり"]);
    let food = Html::parse(
        &b.get(&format!(
            "/stores?category={}",
            crate::support::enc("食料品")
        ))
        .text(),
    );
    assert_eq!(food.texts("ul.stores strong"), vec!["めぐり青果店"]);
    let link = food.attrs("ul.stores a", "href")[0].clone();
    let page = Html::parse(&b.get(&link).text());
    assert_eq!(page.text("h1"), "めぐり青果店");
    assert!(page.texts("dd").contains(&"9:00〜18:00".to_owned()));
    assert_eq!(b.get("/stores/99999").status, 404);
    s.verify();
}

#[test]
fn history_filters_and_csv_download() {
    let s = Server::start();
    s.set_clock("2024-11-20T10:00:00+09:00");
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let (mut b, id, token) = resident_browser(&s, "hanako");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 5000, "method": "credit_card" }),
    );
    s.set_clock("2024-12-02T10:00:00+09:00");
    s.as_(&token).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 300 }),
    );
    let all = Html::parse(&b.get("/app/history").text());
    assert_eq!(all.texts("ul.history span.what").len(), 2);
    let dec = Html::parse(&b.get("/app/history?kind=&month=2024-12").text());
    assert_eq!(
        dec.texts("ul.history span.what"),
        vec!["お支払い めぐり青果店"]
    );
    let charges = Html::parse(&b.get("/app/history?kind=charge&month=").text());
    assert_eq!(charges.texts("ul.history span.what"), vec!["チャージ"]);
    assert_eq!(b.get("/app/history?kind=bogus").status, 400);
    assert_eq!(b.get("/app/history?month=2024-13").status, 400);
    let csv = b.get("/app/history.csv?kind=&month=");
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = csv.text();
    assert!(text.starts_with('\u{feff}'), "Excel needs the BOM");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        vec![
            "日時,種類,店舗,金額,単位",
            "2024-12-02 10:00,お支払い,めぐり青果店,-300,円",
            "2024-11-20 10:00,チャージ,,5000,円"
        ]
    );
    s.verify();
}

#[test]
fn a_store_name_in_full_width_formula_form_downloads_as_text() {
    let s = Server::start();
    let (_, code, _) = s.store("＝1+2", "formula");
    let (mut b, id, token) = resident_browser(&s, "hanako");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 1000, "method": "credit_card" }),
    );
    let r = s.as_(&token).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 300 }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let text = b.get("/app/history.csv?kind=&month=").text();
    assert!(text.contains(",お支払い,'＝1+2,-300,円\r\n"), "{text}");
    s.verify();
}

#[test]
fn the_map_page_lists_placed_stores_and_serves_leaflet() {
    let s = Server::start();
    let admin = s.admin();
    s.as_(&admin).post("/api/v1/stores", &json!({ "name": "地図の店", "name_kana": "チズ", "category": "食料品", "address": "本町", "lat": 36.3, "lng": 138.9 }));
    s.as_(&admin).post("/api/v1/stores", &json!({ "name": "住所だけの店", "name_kana": "ジュウショ", "category": "食料品", "address": "本町" }));
    let mut b = Browser::new(&s);
    let r = b.get("/stores/map");
    assert!(
        r.header("content-security-policy")
            .unwrap()
            .contains("https://tile.openstreetmap.org"),
        "tiles are allowed by the CSP"
    );
    let page = Html::parse(&r.text());
    assert_eq!(page.texts("ul.stores.placed strong"), vec!["地図の店"]);
    assert_eq!(page.attrs("ul.stores li", "data-lat"), vec!["36.3"]);
    // The store without a location is listed under the map, as not on it.
    assert_eq!(
        page.texts("#no-location ul.stores strong"),
        vec!["住所だけの店"]
    );
    for asset in [
        "/assets/leaflet/leaflet.js",
        "/assets/leaflet/leaflet.css",
        "/assets/leaflet/images/marker-icon.png",
        "/assets/map.js",
    ] {
        assert_eq!(b.get(asset).status, 200, "{asset}");
    }
    assert_eq!(b.get("/assets/leaflet/nothing.js").status, 404);
    s.verify();
}
