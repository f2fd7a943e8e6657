//! The counter cannot go wrong by one tap: refunds are typed (never filled in), confirmed
//! with amount, payment and time, and answered with a receipt; the till's CPM charge shows
//! the amount large before it is taken; Back, reload and a second press move value once.

use serde_json::json;

use crate::support::{Browser, Html, Resp, Server, csrf_of};

/// Follows a redirect, asserting there is one.
pub(crate) fn follow(b: &mut Browser, r: &Resp) -> Resp {
    assert_eq!(r.status, 303, "{}", r.text());
    b.get(r.header("location").unwrap())
}

/// Types `amount` into the refund form of payment `pid` as it is shown now: the answer
/// (the confirmation page after the redirect, or the form with a refusal).
pub(crate) fn refund_confirmation(b: &mut Browser, pid: i64, amount: &str) -> Resp {
    let page = b.get(&format!("/shop/payments/{pid}"));
    assert_eq!(page.status, 200, "{}", page.text());
    let form = Html::parse(&page.text());
    let open = form.attrs("form.refund input[name=open]", "value")[0].clone();
    let r = b.post_form(
        &format!("/shop/payments/{pid}/refund/confirm"),
        &[
            ("csrf", &csrf_of(&page.text())),
            ("open", &open),
            ("amount", amount),
        ],
    );
    if r.status == 303 { follow(b, &r) } else { r }
}

/// The fields of a confirmation page's form (what pressing its button sends).
pub(crate) fn confirm_fields(page: &Resp) -> Vec<(String, String)> {
    let h = Html::parse(&page.text());
    ["csrf", "key", "amount", "open", "code"]
        .iter()
        .filter_map(|n| {
            h.attrs(&format!("form.confirm-pay input[name={n}]"), "value")
                .into_iter()
                .next()
                .map(|v| (n.to_string(), v))
        })
        .collect()
}

pub(crate) fn press(b: &mut Browser, action: &str, fields: &[(String, String)]) -> Resp {
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post_form(action, &f)
}

/// A partial refund through the pages: typed, confirmed; the receipt's answer.
pub(crate) fn refund_by_pages(b: &mut Browser, pid: i64, amount: &str) -> Resp {
    let confirm = refund_confirmation(b, pid, amount);
    assert_eq!(confirm.status, 200, "{}", confirm.text());
    press(
        b,
        &format!("/shop/payments/{pid}/refund"),
        &confirm_fields(&confirm),
    )
}

/// One field on the page, with nothing in it (no value, or an empty one).
fn is_empty_field(h: &Html, selector: &str) -> bool {
    h.attrs(selector, "name").len() == 1 && h.attrs(selector, "value").iter().all(|v| v.is_empty())
}

/// A store, a resident with 5,000 yen, and a payment of 1,200 yen at 14:05.
fn payment_of_1200(s: &Server) -> (String, i64) {
    s.set_clock("2026-05-12T14:05:00+09:00");
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let (id, resident) = s.resident("hanako");
    s.as_(&resident).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 5000, "method": "credit_card" }),
    );
    let p = s.as_(&resident).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 1200 }),
    );
    assert_eq!(p.status, 201, "{}", p.text());
    (resident, p.json()["payment_id"].as_i64().unwrap())
}

#[test]
fn a_refund_is_typed_confirmed_and_answered_with_a_receipt() {
    let s = Server::start();
    let (resident, pid) = payment_of_1200(&s);
    s.advance(600);
    let mut shop = Browser::new(&s);
    shop.login("seika", "password-1234");

    // The field starts empty and the form carries no retry key: one tap refunds nothing.
    let page = Html::parse(&shop.get(&format!("/shop/payments/{pid}")).text());
    assert!(is_empty_field(&page, "form.refund input[name=amount]"));
    assert!(
        page.attrs("form.refund input[name=key]", "value")
            .is_empty()
    );
    assert_eq!(page.text("#refundable"), "返金できる残り: 1,200円");
    // Program names, not codes.
    let terms = page.texts("dl.confirm dt");
    assert!(terms.contains(&"通常チャージ".to_owned()), "{terms:?}");
    assert!(!terms.contains(&"cash".to_owned()), "{terms:?}");

    // Skipping the confirmation refunds nothing.
    let open = page.attrs("form.refund input[name=open]", "value")[0].clone();
    let skip = shop.submit(
        &format!("/shop/payments/{pid}"),
        &format!("/shop/payments/{pid}/refund"),
        &[("key", "made-up.key"), ("open", &open), ("amount", "1200")],
    );
    assert_eq!(skip.status, 400, "{}", skip.text());
    assert!(
        Html::parse(&skip.text())
            .text(".alert")
            .contains("確認画面")
    );
    assert_eq!(s.total(&resident), 3800);

    // The confirmation states amount, payment and time, and refunds nothing yet.
    let confirm = refund_confirmation(&mut shop, pid, "２００");
    assert_eq!(confirm.status, 200, "{}", confirm.text());
    let c = Html::parse(&confirm.text());
    assert_eq!(c.text(".big-amount"), "200円");
    assert_eq!(
        c.text("p.question"),
        "14:05:00の1,200円のお支払いから、200円を返金しますか?"
    );
    assert_eq!(s.total(&resident), 3800);

    // Confirmed: the receipt says what was refunded and what remains.
    let fields = confirm_fields(&confirm);
    let action = format!("/shop/payments/{pid}/refund");
    let done = press(&mut shop, &action, &fields);
    let location = done.header("location").unwrap().to_owned();
    assert!(location.starts_with("/shop/refunds/"), "{location}");
    let receipt = follow(&mut shop, &done);
    let r = Html::parse(&receipt.text());
    assert_eq!(
        r.text(".notice"),
        "200円を返金しました。返金できる残りは1,000円です。"
    );
    assert_eq!(r.text(".refund-receipt p.store"), "めぐり青果店");
    assert_eq!(r.text("#refund-amount"), "200円");
    assert!(r.text("#refund-time").contains("14:15:00"));
    assert!(r.text("#refund-of").contains("1,200円"));
    assert!(r.text("#refund-of").contains("14:05:00"));
    assert_eq!(r.text("#refund-left"), "1,000円");
    assert_eq!(s.total(&resident), 4000);

    // Pressed again, reloaded, reached again with Back: one refund.
    let again = press(&mut shop, &action, &fields);
    assert_eq!(
        again.header("location"),
        Some(&*format!("{location}?again=1"))
    );
    assert_eq!(shop.get(&location).status, 200, "a reload moves nothing");
    let back = shop.get(&format!(
        "/shop/payments/{pid}/refund/confirm?{}",
        confirm_query(&fields)
    ));
    assert_eq!(
        back.header("location"),
        Some(&*format!("{location}?again=1"))
    );
    assert_eq!(s.total(&resident), 4000);

    // The form shown before the refund, sent again: refused, the payment has changed.
    let stale = shop.submit(
        &format!("/shop/payments/{pid}"),
        &format!("/shop/payments/{pid}/refund/confirm"),
        &[("open", &open), ("amount", "200")],
    );
    assert_eq!(stale.status, 409, "{}", stale.text());

    // After the refund the field is empty again, not filled with the remainder.
    let page = Html::parse(&shop.get(&format!("/shop/payments/{pid}")).text());
    assert!(is_empty_field(&page, "form.refund input[name=amount]"));
    assert_eq!(page.text("#refundable"), "返金できる残り: 1,000円");
    let too_much = refund_confirmation(&mut shop, pid, "1001");
    assert_eq!(too_much.status, 422, "{}", too_much.text());
    assert!(
        Html::parse(&too_much.text())
            .text(".alert")
            .contains("1,000円")
    );
    let junk = refund_confirmation(&mut shop, pid, "abc");
    assert_eq!(junk.status, 400);
    assert_eq!(s.total(&resident), 4000);

    // The resident's receipt names the program too.
    let mine = Html::parse(&s.as_(&resident).get(&format!("/app/payments/{pid}")).text());
    assert!(
        mine.texts("dl.breakdown dt")
            .contains(&"通常チャージ".to_owned())
    );
    s.verify();
}

fn confirm_query(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .filter(|(k, _)| k != "csrf")
        .map(|(k, v)| format!("{k}={}", crate::support::enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn another_stores_merchant_cannot_refund_or_read_the_receipt() {
    let s = Server::start();
    let (resident, pid) = payment_of_1200(&s);
    let (_, _, other_token) = s.store("別の店", "other");
    let mut shop = Browser::new(&s);
    shop.login("seika", "password-1234");
    let done = refund_by_pages(&mut shop, pid, "100");
    let receipt = done.header("location").unwrap().to_owned();

    let mut other = Browser::new(&s);
    other.login("other", "password-1234");
    assert_eq!(other.get(&format!("/shop/payments/{pid}")).status, 404);
    assert_eq!(other.get(&receipt).status, 404);
    let r = other.submit(
        "/shop/till",
        &format!("/shop/payments/{pid}/refund/confirm"),
        &[("open", "1100"), ("amount", "100")],
    );
    assert_eq!(r.status, 404, "{}", r.text());
    // The confirmation made for the first store is not the other store's.
    let mine = refund_confirmation(&mut shop, pid, "100");
    let mut fields = confirm_fields(&mine);
    fields.retain(|(k, _)| k != "csrf");
    let till = other.get("/shop/till");
    fields.push(("csrf".into(), csrf_of(&till.text())));
    let r = press(&mut other, &format!("/shop/payments/{pid}/refund"), &fields);
    assert!(matches!(r.status, 400 | 404), "{} {}", r.status, r.text());
    let api = s.as_(&other_token).post(
        &format!("/api/v1/payments/{pid}/refunds"),
        &json!({ "amount": 100 }),
    );
    assert_eq!(api.status, 404);
    assert_eq!(s.total(&resident), 3900);
    s.verify();
}

/// The CPM form filled in and sent: the confirmation page (after the redirect).
pub(crate) fn cpm_confirmation(b: &mut Browser, code: &str, amount: &str) -> Resp {
    let r = b.submit(
        "/shop/cpm",
        "/shop/cpm/confirm",
        &[("code", code), ("amount", amount)],
    );
    if r.status == 303 { follow(b, &r) } else { r }
}

#[test]
fn the_tills_cpm_charge_shows_the_amount_before_it_is_taken() {
    let s = Server::start();
    s.set_clock("2026-05-12T14:05:00+09:00");
    s.store("めぐり青果店", "seika");
    let (id, resident) = s.resident("hanako");
    s.as_(&resident).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 20000, "method": "credit_card" }),
    );
    let token = s.as_(&resident).get("/api/v1/me/qr-token").json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut shop = Browser::new(&s);
    shop.login("seika", "password-1234");

    // The form's answer is the confirmation, the amount large; nothing is taken yet.
    let form = Html::parse(&shop.get("/shop/cpm").text());
    assert!(form.attrs("form input[name=key]", "value").is_empty());
    assert!(is_empty_field(&form, "form input[name=amount]"));
    let confirm = cpm_confirmation(&mut shop, &token, "12000");
    assert_eq!(confirm.status, 200, "{}", confirm.text());
    assert_eq!(Html::parse(&confirm.text()).text("#cpm-amount"), "12,000円");
    assert_eq!(s.total(&resident), 20000);

    // A form that skips the confirmation takes nothing.
    let skip = shop.submit(
        "/shop/cpm",
        "/shop/cpm",
        &[
            ("key", "made-up.key"),
            ("code", &token),
            ("amount", "12000"),
        ],
    );
    assert_eq!(skip.status, 400, "{}", skip.text());
    assert_eq!(s.total(&resident), 20000);
    let junk = cpm_confirmation(&mut shop, &token, "12,000円です");
    assert_eq!(junk.status, 400);

    // The clerk sees 12,000 where 1,200 was meant and goes back: nothing was taken.
    let confirm = cpm_confirmation(&mut shop, &token, "1200");
    let fields = confirm_fields(&confirm);
    let taken = press(&mut shop, "/shop/cpm", &fields);
    let location = taken.header("location").unwrap().to_owned();
    assert!(location.ends_with("?taken=1"), "{location}");
    let done = follow(&mut shop, &taken);
    assert_eq!(
        Html::parse(&done.text()).text("section.done p.amount"),
        "1,200円"
    );
    assert_eq!(s.total(&resident), 18800);

    // Pressed twice, reloaded, back to the confirmation: taken once.
    let again = press(&mut shop, "/shop/cpm", &fields);
    assert!(
        again.header("location").unwrap().ends_with("?taken=again"),
        "{}",
        again.text()
    );
    assert_eq!(shop.get(&location).status, 200);
    let back = shop.get(&format!("/shop/cpm/confirm?{}", confirm_query(&fields)));
    assert!(back.header("location").unwrap().ends_with("?taken=again"));
    let shown = shop.get(back.header("location").unwrap());
    assert!(Html::parse(&shown.text()).text(".notice").contains("二重"));
    assert_eq!(s.total(&resident), 18800);
    s.verify();
}

/// In Chromium at a phone's size: 200 yen of 1,200 typed on the keypad, confirmed, then
/// Back and pressing again: one refund.
#[test]
fn a_partial_refund_in_the_browser_back_and_press_again_refunds_once() {
    use crate::support::webdriver::Driver;
    let s = Server::start();
    let (resident, pid) = payment_of_1200(&s);
    let base = format!("http://{}", s.addr);
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("{base}/login"));
    b.type_in("#f-login", "seika");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("section.store-qr");

    b.go(&format!("{base}/shop/payments/{pid}"));
    assert_eq!(b.value("#f-amount"), "", "nothing typed in for the clerk");
    for key in ["2", "00"] {
        b.click(&format!(".keypad button[data-key='{key}']"));
    }
    b.screenshot("refund-typed");
    b.click("form.refund button.primary");
    b.wait_text("p.question", "200円を返金しますか");
    b.screenshot("refund-confirm");
    assert_eq!(s.total(&resident), 3800, "not before it is confirmed");
    b.click("form.confirm-pay button.primary");
    b.wait_text("section.refund-receipt", "1,000円");
    b.screenshot("refund-receipt");
    assert_eq!(b.text("#refund-amount"), "200円");

    // Back to the confirmation and press again (if the browser shows it again).
    b.call("POST", "/back", Some(json!({})));
    if b.path().contains("/confirm") {
        b.click("form.confirm-pay button.primary");
    }
    b.wait_text("main", "二重には返金していません");
    assert!(b.path().starts_with("/shop/refunds/"), "{}", b.path());
    // And a reload of the receipt.
    b.call("POST", "/refresh", Some(json!({})));
    b.wait_text("main", "二重には返金していません");
    assert_eq!(s.total(&resident), 4000, "one refund of 200 yen");
    s.verify();
}
