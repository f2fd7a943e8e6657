//! Notices: drafted by the secretariat, approved by the city, published at once or at a
//! set time, withdrawn; residents see them on their page.

use crate::accounts::admin_logged_in;
use crate::support::{Browser, Html, Server};

#[test]
fn drafted_approved_scheduled_and_withdrawn() {
    let s = Server::start();
    s.set_clock("2024-12-01T09:00:00+09:00");
    // The secretariat drafts two notices, one for later.
    let mut admin = Browser::new(&s);
    admin_logged_in(&s, &mut admin);
    let mut op = Browser::new(&s);
    let created = admin.submit(
        "/admin/accounts",
        "/admin/accounts",
        &[
            ("login", "sato"),
            ("display_name", "佐藤"),
            ("role", "operator"),
        ],
    );
    let otp = Html::parse(&created.text()).text("code.secret");
    op.login("sato", &otp);
    op.submit(
        "/password",
        "/password",
        &[
            ("current", &otp),
            ("new", "sato-password-1"),
            ("again", "sato-password-1"),
        ],
    );
    let r = op.submit(
        "/office/notices",
        "/office/notices",
        &[
            ("title", "年末年始の窓口"),
            (
                "body",
                "12月29日から1月3日まで窓口は休みです。\nお問い合わせはメールで。",
            ),
            ("publish_at", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    op.submit(
        "/office/notices",
        "/office/notices",
        &[
            ("title", "春のキャンペーン"),
            ("body", "3月1日開始"),
            ("publish_at", "2025-03-01T09:00"),
        ],
    );
    let r = op.submit(
        "/office/notices",
        "/office/notices",
        &[("title", ""), ("body", "x"), ("publish_at", "")],
    );
    assert_eq!(r.status, 400);
    let r = op.submit(
        "/office/notices",
        "/office/notices",
        &[("title", "x"), ("body", "x"), ("publish_at", "someday")],
    );
    assert_eq!(r.status, 400);

    // Nothing is public before the city approves.
    let public = |b: &mut Browser| Html::parse(&b.get("/notices").text()).texts("ul.notice-list a");
    let mut visitor = Browser::new(&s);
    assert!(public(&mut visitor).is_empty());
    // The secretariat cannot approve; the city can.
    let page = Html::parse(&op.get("/office/notices").text());
    assert!(
        page.attrs("form", "action")
            .iter()
            .all(|a| !a.ends_with("/approve"))
    );
    let csrf = crate::support::csrf_of(&op.get("/office/notices").text());
    assert_eq!(
        op.post_form("/office/notices/1/approve", &[("csrf", &csrf)])
            .status,
        403
    );
    for id in [1, 2] {
        let csrf = crate::support::csrf_of(&admin.get("/office/notices").text());
        assert_eq!(
            admin
                .post_form(&format!("/office/notices/{id}/approve"), &[("csrf", &csrf)])
                .status,
            303
        );
    }
    let csrf = crate::support::csrf_of(&admin.get("/office/notices").text());
    assert_eq!(
        admin
            .post_form("/office/notices/1/approve", &[("csrf", &csrf)])
            .status,
        409,
        "approved once only"
    );
    assert_eq!(
        public(&mut visitor),
        vec!["年末年始の窓口"],
        "the spring notice waits for its time"
    );
    let n = Html::parse(&visitor.get("/notices/1").text());
    assert_eq!(
        n.texts("article p"),
        vec![
            "12月29日から1月3日まで窓口は休みです。",
            "お問い合わせはメールで。"
        ]
    );
    assert_eq!(visitor.get("/notices/2").status, 404);
    let api = s.api().get("/api/v1/notices").json();
    assert_eq!(api["items"].as_array().unwrap().len(), 1);

    // Residents see the latest on their page.
    s.resident("hanako");
    let mut r = Browser::new(&s);
    r.login("hanako", "password-1234");
    assert_eq!(
        Html::parse(&r.get("/app").text()).texts("section.notices li a"),
        vec!["年末年始の窓口"]
    );

    s.set_clock("2025-03-01T09:00:00+09:00");
    assert_eq!(
        public(&mut visitor),
        vec!["春のキャンペーン", "年末年始の窓口"]
    );
    // Months later the staff sessions have ended: log in again.
    op.login("sato", "sato-password-1");
    admin.login(&s.admin_login, "admin-secret-1");
    let csrf = crate::support::csrf_of(&op.get("/office/notices").text());
    assert_eq!(
        op.post_form("/office/notices/1/withdraw", &[("csrf", &csrf)])
            .status,
        303
    );
    assert_eq!(public(&mut visitor), vec!["春のキャンペーン"]);
    let audit = Html::parse(&admin.get("/admin/audit").text()).texts("tbody tr");
    assert!(
        audit.iter().any(|r| r.contains("お知らせを承認"))
            && audit.iter().any(|r| r.contains("お知らせを取り下げ"))
    );
    s.verify();
}
