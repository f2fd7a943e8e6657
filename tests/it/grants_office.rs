//! Grants from the office pages: a pasted list checked into a preview (who gets what,
//! unknown lines named), sent for approval, paid once when a second admin approves.

use serde_json::json;

use crate::support::{Browser, Html, Server};

fn subsidy(s: &Server) {
    let r = s.as_(&s.admin()).post(
        "/api/v1/programs",
        &json!({ "code": "kosodate", "name": "子育て応援給付", "kind": "subsidy", "budget": 100_000 }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
}

#[test]
fn a_grant_is_previewed_sent_and_paid_once_by_a_second_admin() {
    let s = Server::start();
    s.set_clock("2026-12-03T10:00:00+09:00");
    subsidy(&s);
    let (_, a) = s.resident("grant-a");
    let (b_id, b) = s.resident("grant-b");
    let mut admin = Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut admin);
    crate::roles::staff_account(&s, &mut admin, "grant-clerk", "operator");
    let mut clerk = Browser::new(&s);
    clerk.login("grant-clerk", "matrix-pass-77");

    // A list as pasted from a spreadsheet: a login, a full-width number, a typo.
    let full_width: String = b_id
        .to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
        .collect();
    let list = format!("GRANT-A\n{full_width}\nnobody-here\n");
    let typed = |list: &str| {
        vec![
            ("program".to_owned(), "kosodate".to_owned()),
            ("amount".to_owned(), "5,000".to_owned()),
            ("recipients".to_owned(), list.to_owned()),
            ("when".to_owned(), String::new()),
        ]
    };
    let fields = typed(&list);
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = clerk.submit("/office/grants/new", "/office/grants/preview", &f);
    assert_eq!(r.status, 200, "{}", r.text());
    let page = Html::parse(&r.text());
    assert!(
        r.text().contains("nobody-here"),
        "the unknown line is named"
    );
    assert!(
        page.attrs("form[action='/office/grants'] button", "type")
            .is_empty(),
        "cannot be sent"
    );
    assert_eq!(page.texts("tbody tr").len(), 2);

    let fields = typed("grant-a\ngrant-b");
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = clerk.submit("/office/grants/new", "/office/grants/preview", &f);
    assert!(r.text().contains("2人、合計10,000円"), "{}", r.text());
    let r = clerk.submit("/office/grants/new", "/office/grants", &f);
    assert_eq!(r.status, 303, "{}", r.text());
    let page = r
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        clerk
            .get(&page)
            .text()
            .contains("まだ何も支払われていません")
    );
    // Sent is not paid; the clerk may not approve.
    assert_eq!(s.total(&a), 0);
    assert_eq!(
        clerk.submit(&page, &format!("{page}/approve"), &[]).status,
        403
    );

    let shown = admin.get(&page).text();
    assert!(shown.contains("2人に5,000円ずつ付与します"), "{shown}");
    let r = admin.submit(&page, &format!("{page}/approve"), &[]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(r.header("location").unwrap().ends_with("done=paid"));
    assert_eq!((s.total(&a), s.total(&b)), (5_000, 5_000));
    // Pressed again, or the form sent again after Back: paid once.
    let r = admin.submit(&page, &format!("{page}/approve"), &[]);
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!((s.total(&a), s.total(&b)), (5_000, 5_000));

    // An admin's own request needs another admin.
    let r = admin.submit("/office/grants/new", "/office/grants", &f);
    let own = r
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let r = admin.submit(&own, &format!("{own}/approve"), &[]);
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("別の管理者"));
    assert_eq!(s.total(&a), 5_000);
    s.verify();
}

#[test]
fn a_scheduled_grant_is_paid_at_its_time_after_approval() {
    let s = Server::start();
    s.set_clock("2026-12-03T10:00:00+09:00");
    subsidy(&s);
    let (_, a) = s.resident("later-a");
    let mut admin = Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut admin);
    crate::roles::staff_account(&s, &mut admin, "later-clerk", "operator");
    let mut clerk = Browser::new(&s);
    clerk.login("later-clerk", "matrix-pass-77");
    let f = [
        ("program", "kosodate"),
        ("amount", "3000"),
        ("recipients", "later-a"),
        ("when", "2026-12-05T09:00"),
    ];
    let r = clerk.submit("/office/grants/new", "/office/grants", &f);
    let page = r
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let r = admin.submit(&page, &format!("{page}/approve"), &[]);
    assert!(
        r.header("location").unwrap().ends_with("done=scheduled"),
        "{}",
        r.text()
    );
    assert_eq!(s.total(&a), 0);
    s.set_clock("2026-12-05T09:00:00+09:00");
    assert_eq!(s.total(&a), 3_000);
    s.verify();
}

/// The start pages say what waits (with links) and today's figures.
#[test]
fn the_start_pages_list_what_waits_and_todays_figures() {
    let s = Server::start();
    s.set_clock("2026-12-03T10:00:00+09:00");
    let mut applicant = Browser::new(&s);
    let r = applicant.submit(
        "/apply",
        "/apply",
        &crate::applications::application("wait@example.jp", "待ち花屋"),
    );
    assert!(r.status < 400, "{}", r.text());
    let (_, code, _) = s.store("今日の店", "kyou-shop");
    let (id, token) = s.resident("kyou-resident");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 3000, "method": "credit_card" }),
    );
    s.as_(&token).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 1200 }),
    );
    let mut admin = Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut admin);
    for page in ["/admin", "/office"] {
        let t = admin.get(page).text();
        let html = Html::parse(&t);
        assert!(
            html.attrs("section.attention a", "href")
                .contains(&"/office/applications".to_owned()),
            "{page}: {t}"
        );
        assert!(t.contains("加盟店の申請 1件"), "{page}");
        assert!(t.contains("1件、1,200円"), "{page}: today's payments");
        assert!(t.contains("3,000円"), "{page}: today's charges");
    }
    // Tomorrow, today's figures start again.
    s.set_clock("2026-12-04T09:00:00+09:00");
    admin.login(&s.admin_login, "admin-secret-1");
    assert!(admin.get("/admin").text().contains("0件、0円"));
    s.verify();
}
