//! The till's other half: the short store code customers type (any case, full width; the
//! long code of printed QR codes keeps working), today's colour and the store's QR on the
//! till, and the day's CSV in the till's words with totals and the split by program.

use serde_json::json;

use crate::support::{Browser, Html, Server};

/// `s` in full-width characters, as a phone's Japanese keyboard may type it.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect()
}

#[test]
fn customers_type_the_short_store_code_in_any_case_and_width() {
    let s = Server::start();
    let (_, long, _) = s.store("めぐり青果店", "seika");
    let mut shop = Browser::new(&s);
    shop.login("seika", "password-1234");
    let home = Html::parse(&shop.get("/shop").text());
    let short = home.text("section.store-qr code.store-code");
    assert_eq!(short.len(), 6, "{short}");
    assert!(
        short
            .bytes()
            .all(|b| b"23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(&b)),
        "{short}"
    );
    let till = Html::parse(&shop.get("/shop/till").text());
    assert_eq!(till.text("section.store-qr code.store-code"), short);

    let (id, resident) = s.resident("hanako");
    crate::ledger::charge(&s, &resident, id, 1000);
    let mut me = Browser::new(&s);
    me.login("hanako", "password-1234");
    let lower = short.to_lowercase();
    let spaced = format!("{} {}", &lower[..3], &short[3..]);
    for typed in [
        short.clone(),
        lower.clone(),
        full_width(&lower),
        full_width(&short),
        spaced,
    ] {
        let r = me.get(&format!(
            "/app/scan/code?code={}",
            crate::support::enc(&typed)
        ));
        assert_eq!(r.status, 303, "{typed}");
        let page = me.get(r.header("location").unwrap());
        assert_eq!(page.status, 200, "{typed}: {}", page.text());
        assert_eq!(
            Html::parse(&page.text()).text("strong.store"),
            "めぐり青果店"
        );
        // The form pays the store by its long code, the one payments are recorded with.
        assert_eq!(
            Html::parse(&page.text()).attrs("form.card", "action"),
            [format!("/p/{long}/confirm")]
        );
    }
    // The long code of printed QR codes keeps working, exactly as printed.
    assert_eq!(me.get(&format!("/p/{long}")).status, 200);
    assert_eq!(me.get(&format!("/p/{}", long.to_lowercase())).status, 404);
    assert_eq!(me.get("/p/ZZZZZZ").status, 404);
    assert_eq!(me.get("/p/A0O1IL").status, 404);
    // The API takes the short code too (same JSON), in any case and width.
    let paid = crate::ledger::pay(&s, &resident, &full_width(&lower), 100);
    assert_eq!(paid.status, 201, "{}", paid.text());
    assert_eq!(crate::ledger::pay(&s, &resident, "ZZZZZZ", 100).status, 404);
    assert_eq!(s.total(&resident), 900);
    s.verify();
}

#[test]
fn the_till_shows_todays_colour_and_the_stores_qr() {
    let s = Server::start();
    s.set_clock("2026-05-12T10:00:00+09:00");
    let (_, long, _) = s.store("めぐり青果店", "seika");
    let mut shop = Browser::new(&s);
    shop.login("seika", "password-1234");
    let till = Html::parse(&shop.get("/shop/till").text());
    // The same colour as the completion screens of today.
    let (id, resident) = s.resident("hanako");
    s.as_(&resident).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 1000, "method": "credit_card" }),
    );
    let p = s.as_(&resident).post(
        "/api/v1/payments",
        &json!({ "store_code": long, "amount": 100 }),
    );
    let done = Html::parse(
        &s.as_(&resident)
            .get(&format!("/app/payments/{}", p.json()["payment_id"]))
            .text(),
    );
    let colour = done.text("section.done p.daymark");
    let name = colour.rsplit(' ').next().unwrap().to_owned();
    assert!(
        till.text("#till-colour").ends_with(&name),
        "{} / {colour}",
        till.text("#till-colour")
    );
    let swatch = till.attrs("#till-colour span.swatch", "class")[0].clone();
    let section = done.attrs("section.done", "class")[0].clone();
    assert!(
        section.ends_with(swatch.trim_start_matches("swatch ")),
        "{swatch} / {section}"
    );
    assert_eq!(till.attrs("section.store-qr svg.qr", "role"), ["img"]);
    s.verify();
}

#[test]
fn the_days_csv_says_what_the_till_says_with_totals_and_the_split_by_program() {
    let s = Server::start();
    s.set_clock("2026-05-12T10:00:00+09:00");
    let (_, code, _) = s.store("めぐり青果店", "seika");
    crate::ledger::program(
        &s,
        json!({ "code": "gift-2026", "name": "子育て応援ギフト", "kind": "subsidy", "valid_days": 180 }),
    );
    let (id, resident) = s.resident("hanako");
    crate::ledger::charge(&s, &resident, id, 5000);
    let r = s.as_(&s.admin()).post(
        "/api/v1/grants",
        &json!({ "program": "gift-2026", "amount": 1000, "resident_ids": [id] }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    // 1,500 yen: the gift (soonest to expire) first, then the resident's own money.
    let p = crate::ledger::pay(&s, &resident, &code, 1500);
    let pid = p.json()["payment_id"].as_i64().unwrap();
    let mut shop = Browser::new(&s);
    shop.login("seika", "password-1234");
    let r = crate::counter::refund_by_pages(&mut shop, pid, "300");
    assert_eq!(r.status, 303, "{}", r.text());
    let token = s.as_(&resident).get("/api/v1/me/qr-token").json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let confirm = crate::counter::cpm_confirmation(&mut shop, &token, "700");
    let taken = crate::counter::press(
        &mut shop,
        "/shop/cpm",
        &crate::counter::confirm_fields(&confirm),
    );
    assert_eq!(taken.status, 303, "{}", taken.text());

    let csv = shop.get("/shop/payments.csv?date=2026-05-12").text();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "番号,日時,方式,金額(円),返金(円),返金後(円),うち子育て応援ギフト(円),うち通常チャージ(円)"
    );
    // The refund returns the value spent last first: the own money.
    assert_eq!(
        lines[1],
        format!("{pid},2026-05-12 10:00:00,QR支払い,1500,300,1200,1000,200")
    );
    assert!(
        lines[2].ends_with(",2026-05-12 10:00:00,コード読取,700,0,700,0,700"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], "合計,2件,,2200,300,1900,1000,900");
    assert_eq!(lines.len(), 4);
    // The till says the same total.
    let till = Html::parse(&shop.get("/shop/till").text());
    assert_eq!(till.text("#takings"), "1,900円");
    assert!(!csv.contains("MPM") && !csv.contains("CPM") && !csv.contains("gift-2026"));

    // In the shop's language.
    shop.get("/lang?to=en&next=/");
    let csv = shop.get("/shop/payments.csv?date=2026-05-12").text();
    assert!(csv.contains(",QR payment,1500,"), "{csv}");
    assert!(
        csv.contains("\r\nTotal,2 payments,,2200,300,1900,1000,900"),
        "{csv}"
    );
    s.verify();
}

/// Where the pay page's button is on a 390 × 844 phone, normal and at 200 % text: its
/// bottom edge in CSS pixels and the window's height.
fn button_bottom(b: &crate::support::webdriver::Browser, double: bool) -> (f64, f64) {
    let v = b.run_until_done(&format!(
        "const done = arguments[0];
         const h = document.documentElement;
         if ({double}) h.style.fontSize = (parseFloat(getComputedStyle(h).fontSize) * 2) + 'px';
         window.scrollTo(0, 0);
         // The page settles within a few frames (the button floats once laid out).
         let frames = 0;
         const look = () => {{
           const r = document.querySelector('form.card button.primary').getBoundingClientRect();
           if (r.bottom <= window.innerHeight || ++frames > 60) done([r.bottom, window.innerHeight]);
           else requestAnimationFrame(look);
         }};
         requestAnimationFrame(look);"
    ));
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

#[test]
fn the_pay_pages_button_is_in_reach_without_scrolling_on_a_phone() {
    use crate::support::webdriver::Driver;
    let s = Server::start();
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let (id, resident) = s.resident("hanako");
    crate::ledger::charge(&s, &resident, id, 5000);
    let base = format!("http://{}", s.addr);
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("{base}/login"));
    b.type_in("#f-login", "hanako");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("p.total");
    for double in [false, true] {
        b.go(&format!("{base}/p/{code}"));
        b.find(".keypad:not([hidden])");
        let (bottom, height) = button_bottom(&b, double);
        b.screenshot(&format!("pay-amount{}", if double { "-200" } else { "" }));
        assert!(
            bottom <= height,
            "amount page, 200% {double}: button at {bottom} of {height}"
        );
        b.type_in("#f-amount", "1200");
        b.click("form.card button.primary");
        b.wait_text("p.big-amount", "1,200円");
        let (bottom, height) = button_bottom(&b, double);
        b.screenshot(&format!("pay-confirm{}", if double { "-200" } else { "" }));
        assert!(
            bottom <= height,
            "confirmation, 200% {double}: button at {bottom} of {height}"
        );
    }
    s.verify();
}
