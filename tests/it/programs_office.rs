//! Programs set up in the office pages: one admin sets up a 20 % premium starting
//! tomorrow, it pays nothing until a second admin approves it and its start comes, and
//! a second premium over the same days applies alone from its start, never stacked.

use serde_json::json;

use crate::support::{Browser, Html, Server};

/// The city's first admin, logged in, and a second admin in another browser.
fn two_admins(s: &Server) -> (Browser<'_>, Browser<'_>) {
    let mut first = Browser::new(s);
    crate::accounts::admin_logged_in(s, &mut first);
    crate::roles::staff_account(s, &mut first, "second-admin", "admin");
    let mut second = Browser::new(s);
    second.login("second-admin", "matrix-pass-77");
    (first, second)
}

fn premium_form<'a>(name: &'a str, starts: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("kind", "premium"),
        ("rate_percent", "２０"),
        ("premium_cap", "5,000"),
        ("budget", "1000000"),
        ("per_person_cap", ""),
        ("starts", starts),
        ("ends", "2026-12-31T23:59"),
        ("valid_days", "180"),
        ("categories", ""),
    ]
}

fn charge(s: &Server, (id, token): &(i64, String), amount: i64) -> i64 {
    let r = s.as_(token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": amount, "method": "credit_card" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["premium_granted"].as_i64().unwrap()
}

#[test]
fn a_premium_starts_at_its_time_after_a_second_admin_approves_it() {
    let s = Server::start();
    s.set_clock("2026-12-03T10:00:00+09:00");
    let (mut first, mut second) = two_admins(&s);
    let resident = s.resident("premium-resident");

    // The clerk's form: a 20 % premium from tomorrow, typed as people type.
    let form = premium_form("年末プレミアム20%", "2026-12-04T00:00");
    let r = first.submit("/office/programs/new", "/office/programs", &form);
    assert_eq!(r.status, 303, "{}", r.text());
    let page = r.header("location").unwrap().to_owned();
    assert!(page.starts_with("/office/programs/p20261203-"), "{page}");
    let shown = first.get(&page).text();
    let html = Html::parse(&shown);
    assert!(shown.contains("承認を待っています"), "{shown}");
    assert!(
        shown.contains("10,000円のチャージ → プレミアム2,000円"),
        "{shown}"
    );
    assert!(
        shown.contains("30,000円のチャージ → プレミアム5,000円"),
        "the cap shows"
    );
    // The one who set it up is not offered the approval, and cannot force it.
    assert!(html.attrs("form[action$='/approve']", "action").is_empty());
    let code = page
        .trim_start_matches("/office/programs/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let r = first.submit(&page, &format!("/office/programs/{code}/approve"), &[]);
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("別の管理者"));

    // Waiting: nothing is paid.
    assert_eq!(charge(&s, &resident, 10_000), 0);

    // The second admin sees the period and approves; pressing again changes nothing.
    let shown = second.get(&page).text();
    assert!(
        shown.contains("2026年12月4日(金) 00:00から2026年12月31日(木) 23:59まで"),
        "{shown}"
    );
    let r = second.submit(&page, &format!("/office/programs/{code}/approve"), &[]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(
        second
            .get(r.header("location").unwrap())
            .text()
            .contains("事業を承認しました")
    );
    let r = second.submit(&page, &format!("/office/programs/{code}/approve"), &[]);
    assert_eq!(r.status, 409, "{}", r.text());
    // Approved programs are no longer edited.
    let r = second.submit(
        &format!("/office/programs/{code}/edit"),
        &format!("/office/programs/{code}/edit"),
        &premium_form("書き換え", "2026-12-03T11:00"),
    );
    assert_eq!(r.status, 409, "{}", r.text());

    // Approved, but before its start: still nothing. From its start: 20 %.
    assert_eq!(charge(&s, &resident, 10_000), 0);
    s.set_clock("2026-12-04T00:00:00+09:00");
    assert_eq!(charge(&s, &resident, 10_000), 2_000);
    // A night has passed: the office logs in again.
    first.login(&s.admin_login, "admin-secret-1");
    second.login("second-admin", "matrix-pass-77");

    // A second premium over the same days never stacks: its page says so before
    // approval, and from its start it applies alone.
    let mut thirty = premium_form("重ねたプレミアム", "2026-12-10T00:00");
    thirty[2] = ("rate_percent", "30");
    let r = second.submit("/office/programs/new", "/office/programs", &thirty);
    assert_eq!(r.status, 303, "{}", r.text());
    let other = r
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let shown = first.get(&other).text();
    assert!(
        shown.contains("「年末プレミアム20%」と期間が重なります"),
        "{shown}"
    );
    let r = first.submit(&other, &format!("{other}/approve"), &[]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        charge(&s, &resident, 10_000),
        2_000,
        "before its start, the first"
    );
    s.set_clock("2026-12-10T00:00:00+09:00");
    assert_eq!(
        charge(&s, &resident, 10_000),
        3_000,
        "30 %, not 20 % + 30 %"
    );
    first.login(&s.admin_login, "admin-secret-1");
    second.login("second-admin", "matrix-pass-77");

    // One turned down never pays.
    let r = second.submit(
        "/office/programs/new",
        "/office/programs",
        &premium_form("却下されるプレミアム", "2026-12-11T00:00"),
    );
    let rejected = r
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let r = first.submit(&rejected, &format!("{rejected}/reject"), &[]);
    assert_eq!(r.status, 303, "{}", r.text());
    s.set_clock("2026-12-11T00:00:00+09:00");
    assert_eq!(
        charge(&s, &resident, 10_000),
        2_000,
        "the 30 % one's cap of 5,000 is reached"
    );
    first.login(&s.admin_login, "admin-secret-1");

    // Every step is in the audit log.
    let audit = first.get("/admin/audit").text();
    for action in ["事業を登録", "事業を承認", "事業を不承認"] {
        assert!(audit.contains(action), "{action}");
    }
    s.verify();
}

#[test]
fn a_form_that_does_not_read_says_which_field_and_keeps_what_was_typed() {
    let s = Server::start();
    let (mut first, _) = two_admins(&s);
    let mut form = premium_form("入力確認", "明日");
    let r = first.submit("/office/programs/new", "/office/programs", &form);
    assert_eq!(r.status, 400);
    let t = r.text();
    assert!(t.contains("開始日時は日付と時刻を選んでください"), "{t}");
    assert_eq!(Html::parse(&t).attrs("#f-name", "value"), ["入力確認"]);
    form[6] = ("starts", "");
    form[2] = ("rate_percent", "たくさん");
    let r = first.submit("/office/programs/new", "/office/programs", &form);
    assert_eq!(r.status, 400);
    assert!(r.text().contains("プレミアム率は0から1000"));
    // An operator reads programs but does not set them up.
    let mut op = Browser::new(&s);
    crate::roles::staff_account(&s, &mut first, "program-operator", "operator");
    op.login("program-operator", "matrix-pass-77");
    assert_eq!(op.get("/office/programs").status, 200);
    assert_eq!(op.get("/office/programs/new").status, 403);
    s.verify();
}
