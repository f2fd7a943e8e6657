//! Browser tests: Debian's chromium driven over WebDriver (chromedriver), as a resident
//! on a phone-sized window would use the pages, JavaScript included.

use serde_json::json;

use crate::support::Server;
use crate::support::webdriver::{Driver, Engine};

#[test]
fn a_new_resident_registers_charges_and_pays_by_the_store_qr() {
    registers_charges_and_pays(Engine::Chromium);
}

/// Safari's engine, as on most residents' phones.
#[test]
fn a_new_resident_registers_charges_and_pays_by_the_store_qr_in_webkit() {
    registers_charges_and_pays(Engine::WebKit);
}

fn registers_charges_and_pays(engine: Engine) {
    let s = Server::start();
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let base = format!("http://{}", s.addr);
    let d = Driver::start_engine(engine);
    let b = d.session();
    b.go(&format!("{base}/lang?to=ja&next=/"));

    b.go(&format!("{base}/register"));
    b.type_in("#f-display_name", "山田 花子");
    b.type_in("#f-login", "hanako");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("ol.steps");
    assert_eq!(b.text("h1"), "はじめての方へ");
    b.screenshot("welcome");

    b.go(&format!("{base}/app/charge"));
    b.click("input[name=preset][value='5000']");
    b.click("button.primary");
    b.find("form[action='/app/charge']");
    b.wait_text("h1", "チャージの確認");
    b.click("button.primary");
    b.find("dl.receipt");
    assert_eq!(b.text("h1"), "チャージ完了");

    // The resident's camera opened the store's QR: the payment page.
    b.go(&format!("{base}/p/{code}"));
    assert_eq!(b.text("strong.store"), "めぐり青果店");
    for key in ["1", "2", "8", "0"] {
        b.click(&format!(".keypad button[data-key='{key}']"));
    }
    assert_eq!(
        b.value("#f-amount"),
        "1280",
        "the on-screen keypad fills the amount"
    );
    b.screenshot("pay-amount");
    b.click("button.primary");
    b.wait_text("p.big-amount", "1,280円");
    b.click("button.primary");
    assert_eq!(b.text("section.done p.amount"), "1,280円");
    assert!(b.path().starts_with("/app/payments/"));
    b.screenshot("completion");
    // A reload shows the same receipt and pays nothing more.
    b.call("POST", "/refresh", Some(json!({})));
    b.go(&format!("{base}/app"));
    assert_eq!(b.text("p.total"), "3,720円");
    s.verify();
}

#[test]
fn the_payment_code_page_turns_into_the_completion_screen_when_a_store_charges_it() {
    own_code_is_charged(Engine::Chromium);
}

#[test]
fn the_payment_code_page_turns_into_the_completion_screen_in_webkit() {
    own_code_is_charged(Engine::WebKit);
}

fn own_code_is_charged(engine: Engine) {
    let s = Server::start();
    let (store, _, merchant) = s.store("喫茶 ひだまり", "cafe");
    let (id, token) = s.resident("taro");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 3000, "method": "credit_card" }),
    );
    let base = format!("http://{}", s.addr);
    let d = Driver::start_engine(engine);
    let b = d.session();
    b.go(&format!("{base}/lang?to=ja&next=/"));
    b.go(&format!("{base}/login"));
    b.type_in("#f-login", "taro");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("p.total");
    b.go(&format!("{base}/app/qr"));
    let code = b.text("p.code-text code");
    b.screenshot("payment-code");
    let r = s.as_(&merchant).post(
        &format!("/api/v1/stores/{store}/payments"),
        &json!({ "token": code, "amount": 480 }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    // The page polls and moves on by itself; finding the screen waits for it.
    assert_eq!(b.text("section.done p.amount"), "480円");
    assert_eq!(b.text("section.done p.store"), "喫茶 ひだまり");
    s.verify();
}

#[test]
fn a_payment_appears_on_the_stores_till_without_reloading() {
    let s = Server::start();
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let (id, token) = s.resident("hanako");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 3000, "method": "credit_card" }),
    );
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("http://{}/login", s.addr));
    b.type_in("#f-login", "seika");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("section.store-qr");
    b.go(&format!("http://{}/shop/till", s.addr));
    assert_eq!(b.text("#takings"), "0円");
    let r = s.as_(&token).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 1280 }),
    );
    assert_eq!(r.status, 201);
    // The page polls; finding the new line waits for it.
    assert!(b.text("#feed li.new").contains("1,280円"));
    assert_eq!(b.text("#takings"), "1,280円");
    b.screenshot("till");
    s.verify();
}

/// A QR code of `text` as an SVG file, large enough for a decoder to read.
fn qr_file(text: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).unwrap();
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="480" height="480" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    );
    let file = dir.join("code.svg");
    std::fs::write(&file, svg).unwrap();
    file
}

#[test]
fn the_till_reads_a_customers_code_from_a_photo_and_takes_the_payment() {
    let s = Server::start();
    let (_, _, _) = s.store("喫茶 ひだまり", "cafe");
    let (id, token) = s.resident("taro");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 3000, "method": "credit_card" }),
    );
    let code = s.as_(&token).get("/api/v1/me/qr-token").json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = crate::support::TempDir::new();
    let photo = qr_file(&code, &dir.0);
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("http://{}/login", s.addr));
    b.type_in("#f-login", "cafe");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("section.store-qr");
    b.go(&format!("http://{}/shop/cpm", s.addr));
    b.type_in("#scan-photo", photo.to_str().unwrap());
    b.find(".scanner.read");
    assert_eq!(
        b.value("#f-code"),
        code,
        "the decoder read the customer's code from the photo"
    );
    for key in ["4", "8", "0"] {
        b.click(&format!(".keypad button[data-key='{key}']"));
    }
    b.click("button.primary");
    assert_eq!(
        b.text("#cpm-amount"),
        "480円",
        "the amount, large, before it is taken"
    );
    b.click("form.confirm-pay button.primary");
    assert_eq!(b.text("section.done p.amount"), "480円");
    b.screenshot("till-cpm-done");
    assert_eq!(
        s.as_(&token).get("/api/v1/me/balance").json()["total"],
        2520
    );
    s.verify();
}

/// A 1×1 PNG.
const PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

#[test]
fn the_owner_chooses_a_photo_on_the_phone_and_the_directory_shows_it() {
    let s = Server::start();
    let (id, _, _) = s.store("写真のある店", "photoshop");
    let dir = crate::support::TempDir::new();
    let photo = dir.0.join("store.png");
    std::fs::write(&photo, crate::support::decode_base64(PIXEL_PNG)).unwrap();
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("http://{}/login", s.addr));
    b.type_in("#f-login", "photoshop");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("section.store-qr");
    b.go(&format!("http://{}/shop/profile", s.addr));
    b.type_in("#f-photo", photo.to_str().unwrap());
    b.click("form[action='/shop/photo'] button");
    assert!(b.text(".notice").contains("写真を登録しました"));
    b.go(&format!("http://{}/stores/{id}", s.addr));
    // The browser decodes the picture: it is served as an image the page can show.
    let width = b.run_until_done(
        "const done = arguments[0]; const img = document.querySelector('img.store-photo');
         if (img.complete) { done(img.naturalWidth); }
         else { img.onload = () => done(img.naturalWidth); img.onerror = () => done(0); }",
    );
    assert_eq!(width, 1, "the photo loads in the store page");
    s.verify();
}

#[test]
fn back_reload_and_pressing_again_pay_and_charge_once() {
    let s = Server::start();
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let (id, token) = s.resident("modoru");
    let r = s.as_(&s.admin()).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 5000, "method": "admin" }),
    );
    assert_eq!(r.status, 201);
    let base = format!("http://{}", s.addr);
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("{base}/login"));
    b.type_in("#f-login", "modoru");
    b.type_in("#f-password", "password-1234");
    b.click("button.primary");
    b.find("p.total");

    b.go(&format!("{base}/p/{code}"));
    b.type_in("#f-amount", "1200");
    b.click("button.primary");
    b.wait_text("p.big-amount", "1,200円");
    b.click("button.primary");
    b.wait_text("section.done p.amount", "1,200円");
    // Back from the completion screen, reload, and press 支払う if it is offered again.
    b.call("POST", "/back", Some(json!({})));
    b.call("POST", "/refresh", Some(json!({})));
    if b.path().contains("/confirm") {
        b.click("button.primary");
    }
    // The screen says it was paid already.
    b.wait_text("main", "すでに済んでいます");
    assert!(b.path().starts_with("/app/payments/"), "{}", b.path());
    b.screenshot("paid-already");
    assert_eq!(s.total(&token), 3800, "one payment");

    // The same for a charge.
    b.go(&format!("{base}/app/charge"));
    b.click("input[name=preset][value='1000']");
    b.click("button.primary");
    b.wait_text("h1", "チャージの確認");
    b.click("button.primary");
    b.wait_text("main", "チャージが完了しました");
    b.call("POST", "/back", Some(json!({})));
    b.call("POST", "/refresh", Some(json!({})));
    if b.path().contains("/confirm") {
        b.click("button.primary");
    }
    b.wait_text("main", "すでに済んでいます");
    assert_eq!(s.total(&token), 4800, "one charge");
    s.verify();
}

/// The resident who forgot the password calls the office: the clerk finds them by phone,
/// confirms, reissues; the resident logs in with the one-time password (typed full-width
/// through the phone's Japanese keyboard), must choose a new one, and pays at once.
#[test]
fn the_office_reissues_a_password_and_the_resident_chooses_a_new_one_and_pays() {
    let s = Server::start();
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let (id, _) = crate::recovery::resident(&s, "hanako", "090-1234-5678", None);
    let mut admin = crate::support::Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut admin);
    crate::roles::staff_account(&s, &mut admin, "office-clerk", "operator");
    let base = format!("http://{}", s.addr);
    let d = Driver::start();

    let office = d.session();
    office.go(&format!("{base}/login"));
    office.type_in("#f-login", "office-clerk");
    office.type_in("#f-password", "matrix-pass-77");
    office.click("button.primary");
    // Logged in: only then does the header carry the logout button.
    office.find("form[action='/logout']");
    office.go(&format!("{base}/office/residents"));
    office.type_in("#f-phone", "０９０－１２３４－５６７８");
    office.click("form[role=search] button");
    office.click(&format!("a[href='/office/residents/{id}/password']"));
    office.wait_text("p.lead", "山田 花子 さん(ログインID: hanako)");
    // Sent without the identity check: said beside the checkbox, nothing reissued.
    office.click("form.card button.primary");
    office.wait_text("p.field-error", "本人確認をしてから");
    let invalid = office.call(
        "POST",
        "/execute/sync",
        Some(json!({ "script": "return document.querySelector('#f-checked').getAttribute('aria-invalid')", "args": [] })),
    );
    assert_eq!(invalid, "true");
    office.screenshot("office-reissue-confirm");
    office.click("#f-checked");
    office.click("form.card button.primary");
    let otp = office.text("code.secret");
    assert_eq!(otp.len(), 10, "{otp}");
    office.screenshot("office-reissue-done");

    let phone = d.session();
    phone.go(&format!("{base}/login"));
    phone.type_in("#f-login", "ｈａｎａｋｏ");
    phone.type_in("#f-password", &otp);
    phone.click("button.primary");
    phone.wait_text("p.notice", "仮パスワードでログインしました");
    assert_eq!(phone.path(), "/password");
    phone.type_in("#f-current", &otp);
    phone.type_in("#f-new", "kiri-no-mori-7");
    phone.type_in("#f-again", "kiri-no-mori-7");
    phone.screenshot("forced-password-change");
    phone.click("button.primary");
    phone.wait_text("p.notice", "パスワードを変更しました");
    phone.click("main a.button");
    assert_eq!(phone.text("p.total"), "3,000円");

    phone.go(&format!("{base}/p/{code}"));
    for key in ["5", "0", "0"] {
        phone.click(&format!(".keypad button[data-key='{key}']"));
    }
    phone.click("button.primary");
    phone.wait_text("p.big-amount", "500円");
    phone.click("button.primary");
    assert_eq!(phone.text("section.done p.amount"), "500円");
    phone.go(&format!("{base}/app"));
    assert_eq!(phone.text("p.total"), "2,500円");
    s.verify();
}
