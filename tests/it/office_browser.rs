//! The office in a real browser (Chromium at phone size): one admin sets up a premium
//! program in the form, a second approves it; a clerk pastes a list for a grant, checks
//! the preview and sends it, the second admin approves and it is paid.

use serde_json::json;

use crate::support::webdriver::{Browser, Driver};
use crate::support::{self, Server};

fn log_in(b: &Browser, s: &Server, login: &str, password: &str) {
    b.go(&format!("http://{}/login", s.addr));
    b.type_in("#f-login", login);
    b.type_in("#f-password", password);
    b.click("form[action='/login'] button.primary");
    // Logged in: only then does the header carry the logout button.
    b.find("form[action='/logout']");
}

#[test]
fn a_program_is_set_up_and_approved_and_a_grant_previewed_and_paid_in_the_browser() {
    let s = Server::start();
    s.set_clock("2026-12-03T10:00:00+09:00");
    let (_, resident) = s.resident("browser-grantee");
    let mut http = support::Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut http);
    crate::roles::staff_account(&s, &mut http, "browser-second", "admin");
    let base = format!("http://{}", s.addr);
    let d = Driver::start();

    // The first admin fills in the form.
    let first = d.session();
    log_in(&first, &s, &s.admin_login, "admin-secret-1");
    first.go(&format!("{base}/office/programs/new"));
    first.type_in("#f-name", "冬の応援給付");
    first.click("input[name=kind][value=subsidy]");
    first.type_in("#f-budget", "50000");
    first.click("form.card button.primary");
    first.wait_text("p.notice", "承認を待っています");
    let program_page = first.path();
    first.screenshot("office-program-waiting");

    // The second admin approves it.
    let second = d.session();
    log_in(&second, &s, "browser-second", "matrix-pass-77");
    second.go(&format!(
        "{base}{}",
        program_page.split('?').next().unwrap()
    ));
    second.click("form[action$='/approve'] button.primary");
    second.wait_text("p.notice", "事業を承認しました");

    // The first admin asks for a grant from it, checks the preview and sends it.
    first.go(&format!("{base}/office/grants/new"));
    first.find("select#f-program option");
    first.type_in("#f-amount", "2000");
    first.type_in("#f-recipients", "browser-grantee");
    first.click("form.card button.primary");
    first.wait_text("h1", "付与の内容を確認する");
    first.wait_text("td", "browser-grantee");
    first.screenshot("office-grant-preview");
    first.click("form[action='/office/grants'] button.primary");
    first.wait_text("p.notice", "承認を依頼しました");
    let grant_page = first.path();
    assert_eq!(s.total(&resident), 0, "not paid before approval");

    second.go(&format!("{base}{}", grant_page.split('?').next().unwrap()));
    second.click("form[action$='/approve'] button.primary");
    second.wait_text("p.notice", "付与しました");
    assert_eq!(s.total(&resident), 2_000);
    // Back and press again: paid once.
    second.call("POST", "/back", Some(json!({})));
    second.click("form[action$='/approve'] button.primary");
    second.wait_text("p.alert", "すでに");
    assert_eq!(s.total(&resident), 2_000);
    s.verify();
}
