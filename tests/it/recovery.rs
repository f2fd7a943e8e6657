//! Getting back into an account. The office, after checking who asks, reissues a
//! resident's password (a one-time password that must be changed at the next login) or
//! logs a lost phone out everywhere; both end every way in, leave the money alone and
//! are audited, and no other role may do either. A resident with a mail address on file
//! resets a forgotten password by a single-use link that lapses after 30 minutes; the
//! form answers the same whether or not the account exists, and is limited per network,
//! per account and per mail address.

use serde_json::json;

use crate::accounts::admin_logged_in;
use crate::roles::staff_account;
use crate::support::{Browser, Html, Resp, Server, csrf_of, enc, meguri, request, stdout};

/// Unsent mails to `to` as (subject, body), read the way the SMTP relay reads them.
pub(crate) fn outbox(s: &Server, to: &str) -> Vec<(String, String)> {
    let out = meguri(&["mail", "list", "--db", s.db_arg()]);
    assert!(out.status.success(), "{out:?}");
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|m| m["to"] == to)
        .map(|m| {
            (
                m["subject"].as_str().unwrap().into(),
                m["body"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// Every unsent mail.
fn mail_count(s: &Server) -> usize {
    stdout(&meguri(&["mail", "list", "--db", s.db_arg()]))
        .lines()
        .count()
}

/// The reset link in a mail's body, as a path.
pub(crate) fn link_in(body: &str) -> String {
    let url = body
        .split_whitespace()
        .find(|w| w.contains("/password/reset/"))
        .unwrap_or_else(|| panic!("no link in {body}"));
    url[url.find("/password/reset/").unwrap()..].to_owned()
}

/// A resident registered with a phone number (and a mail address, when given), who
/// charged 3,000 yen: (id, token).
pub(crate) fn resident(s: &Server, login: &str, phone: &str, mail: Option<&str>) -> (i64, String) {
    let mut body = json!({ "login": login, "password": "password-1234",
        "display_name": "山田 花子", "phone": phone });
    if let Some(m) = mail {
        body["mail"] = json!(m);
    }
    let r = s.api().post("/api/v1/residents", &body);
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let token = s.token("resident", Some(id));
    let r = s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 3000, "method": "credit_card" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    (id, token)
}

fn token_login(s: &Server, login: &str, password: &str) -> Resp {
    s.api().post(
        "/api/v1/auth/token",
        &json!({ "login": login, "password": password }),
    )
}

/// An operator's page session (made by the admin, password `matrix-pass-77`).
fn operator(s: &Server) -> Browser<'_> {
    let mut admin = Browser::new(s);
    admin_logged_in(s, &mut admin);
    staff_account(s, &mut admin, "office-clerk", "operator");
    let mut b = Browser::new(s);
    b.login("office-clerk", "matrix-pass-77");
    b
}

/// The audit log page, as the admin reads it.
fn audit(s: &Server) -> String {
    let mut admin = Browser::new(s);
    let r = admin.submit(
        "/login",
        "/login",
        &[("login", &s.admin_login), ("password", "admin-secret-1")],
    );
    if r.status != 303 {
        admin_logged_in(s, &mut admin);
    }
    admin.get("/admin/audit").text()
}

#[test]
fn the_office_reissues_a_password_after_confirming_and_the_resident_must_change_it() {
    let s = Server::start();
    let (id, token) = resident(&s, "hanako", "090-1234-5678", None);
    let login_token = token_login(&s, "hanako", "password-1234").json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut phone = Browser::new(&s);
    phone.login("hanako", "password-1234");
    let mut office = operator(&s);

    // Found by phone, the resident's card leads to the reissue.
    let found = Html::parse(&office.get("/office/residents?phone=09012345678").text());
    let path = format!("/office/residents/{id}/password");
    assert!(
        found.attrs("li.card a", "href").contains(&path),
        "{:?}",
        found.attrs("li.card a", "href")
    );
    let page = Html::parse(&office.get(&path).text());
    assert_eq!(
        page.text("form p.lead"),
        "山田 花子 さん(ログインID: hanako)のパスワードを再発行しますか?"
    );
    // Without the clerk's word that the identity was checked, nothing happens.
    let r = office.submit(&path, &path, &[]);
    assert_eq!(r.status, 400);
    let page = Html::parse(&r.text());
    // (The HTML parser of the tests loses attributes after a bare one, so the tag is
    // read as text.)
    assert!(
        r.text().contains(
            r#"id="f-checked" type="checkbox" name="checked" value="1" required aria-invalid="true" aria-describedby="f-checked-error""#
        ),
        "{}",
        r.text()
    );
    assert!(page.text("#f-checked-error").contains("本人確認"));
    assert_eq!(phone.get("/app").status, 200, "still logged in");

    let r = office.submit(&path, &path, &[("checked", "1")]);
    assert_eq!(r.status, 200, "{}", r.text());
    let page = Html::parse(&r.text());
    let otp = page.text("code.secret");
    assert_eq!(otp.len(), 10, "{otp}");
    // Every way in with the old password has ended; the money has not moved.
    let r = phone.get("/app");
    assert!(
        r.header("location").unwrap_or("").starts_with("/login"),
        "{}",
        r.status
    );
    for t in [&token, &login_token] {
        assert_eq!(s.as_(t).get("/api/v1/me/balance").status, 401);
    }
    assert_eq!(token_login(&s, "hanako", "password-1234").status, 401);
    let admin = s.admin();
    let balance = s
        .as_(&admin)
        .get(&format!("/api/v1/residents/{id}/balance"));
    assert_eq!(balance.json()["total"], 3000);

    // The one-time password serves only to choose a new one, on the API too.
    let t = token_login(&s, "hanako", &otp).json();
    assert_eq!(t["must_change_password"], true);
    let otp_api = s.as_(t["token"].as_str().unwrap());
    assert_eq!(otp_api.get("/api/v1/me/balance").status, 403);
    let mut b = Browser::new(&s);
    assert_eq!(b.login("hanako", &otp), "/password");
    assert_eq!(b.get("/app").header("location"), Some("/password"));
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", &otp),
            ("new", "kiri-no-mori-7"),
            ("again", "kiri-no-mori-7"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(b.get("/app").status, 200);
    assert_eq!(token_login(&s, "hanako", "kiri-no-mori-7").status, 200);

    let log = audit(&s);
    let _ = id;
    assert!(
        log.contains("パスワードを再発行") && log.contains("(hanako)"),
        "{log}"
    );
    s.verify();
}

#[test]
fn only_the_office_reissues_and_only_residents_passwords() {
    let s = Server::start();
    let (id, token) = resident(&s, "hanako", "090-1234-5678", None);
    let (_, _, merchant) = s.store("青果店", "seika");
    let path = format!("/office/residents/{id}/password");
    // A resident, a store, a points group: refused, on the page and by the role check.
    for t in [&token, &merchant, &s.token("distributor", None)] {
        let auth = format!("Bearer {t}");
        let headers = [
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        for (method, path) in [("GET", &path), ("POST", &path)] {
            let r = request(&s.addr, method, path, &headers, b"checked=1");
            assert_eq!(r.status, 403, "{method} {path}");
        }
    }
    let mut shop = Browser::new(&s);
    shop.login("seika", "password-1234");
    let csrf = csrf_of(&shop.get("/password").text());
    let r = shop.post_form(&path, &[("csrf", &csrf), ("checked", "1")]);
    assert_eq!(r.status, 403);
    assert_eq!(token_login(&s, "hanako", "password-1234").status, 200);
    // The office cannot reach a staff account this way: it is not a resident.
    let mut office = operator(&s);
    let r = office.submit(
        "/password",
        "/office/residents/1/password",
        &[("checked", "1")],
    );
    assert_eq!(r.status, 404, "the first admin is user 1: {}", r.text());
    assert_eq!(office.get("/office/residents/1/sessions").status, 404);
    s.verify();
}

#[test]
fn a_lost_phone_is_logged_out_everywhere_and_the_money_stays() {
    let s = Server::start();
    let (store, _, merchant) = s.store("喫茶 ひだまり", "cafe");
    let (id, token) = resident(&s, "hanako", "090-1234-5678", None);
    let mut phone = Browser::new(&s);
    phone.login("hanako", "password-1234");
    // The lost phone still shows a payment code.
    let code = s.as_(&token).get("/api/v1/me/qr-token").json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut office = operator(&s);
    let path = format!("/office/residents/{id}/sessions");
    let page = Html::parse(&office.get(&path).text());
    assert!(page.text("form p.lead").contains("山田 花子"));
    let r = office.submit(&path, &path, &[("checked", "1")]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(Html::parse(&r.text()).text(".notice").contains("山田 花子"));

    assert!(
        phone
            .get("/app")
            .header("location")
            .unwrap_or("")
            .starts_with("/login")
    );
    assert_eq!(s.as_(&token).get("/api/v1/me/balance").status, 401);
    let r = s.as_(&merchant).post(
        &format!("/api/v1/stores/{store}/payments"),
        &json!({ "token": code, "amount": 500 }),
    );
    assert_eq!(
        (r.status, r.code().as_str()),
        (422, "expired"),
        "{}",
        r.text()
    );
    // The password stays; so does every yen.
    let fresh = token_login(&s, "hanako", "password-1234");
    assert_eq!(fresh.status, 200);
    assert_eq!(s.total(fresh.json()["token"].as_str().unwrap()), 3000);
    assert!(audit(&s).contains("すべての端末からログアウト"));
    s.verify();
}

/// `POST /password/forgot` from a fresh visitor, as if from network `from`.
fn ask(s: &Server, identifier: &str, from: &str) -> Resp {
    let page = request(&s.addr, "GET", "/password/forgot", &[], b"");
    let cookie = page
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    let body = format!(
        "csrf={}&identifier={}",
        csrf_of(&page.text()),
        enc(identifier)
    );
    request(
        &s.addr,
        "POST",
        "/password/forgot",
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Forwarded-For", from),
        ],
        body.as_bytes(),
    )
}

#[test]
fn the_forgotten_password_form_answers_the_same_and_mails_a_single_use_link() {
    let s = Server::start();
    let (id, token) = resident(&s, "hanako", "090-1234-5678", Some("Hanako@Example.jp"));
    resident(&s, "taro", "080-1111-2222", None);
    let mut phone = Browser::new(&s);
    phone.login("hanako", "password-1234");
    assert_eq!(
        Html::parse(&Browser::new(&s).get("/login").text()).attrs("main a", "href")[0],
        "/password/forgot"
    );

    // Whether the login exists, has a mail, or is a mail address: one answer.
    let answers: Vec<(u16, Option<String>)> = [
        "nobody",
        "taro",
        "nobody@example.jp",
        "ｈａｎａｋｏ",
        "hanako@example.jp",
    ]
    .iter()
    .enumerate()
    .map(|(i, who)| {
        let r = ask(&s, who, &format!("198.51.100.{i}"));
        (r.status, r.header("location").map(str::to_owned))
    })
    .collect();
    for a in &answers {
        assert_eq!(a, &(303, Some("/password/forgot?sent=1".to_owned())));
    }
    let sent = Html::parse(&Browser::new(&s).get("/password/forgot?sent=1").text());
    assert!(sent.text(".notice").contains("30分"));
    // Only the two requests naming hanako mailed her; nobody else got anything.
    let mails = outbox(&s, "hanako@example.jp");
    assert_eq!(mails.len(), 2);
    assert_eq!(mail_count(&s), 2);
    let (subject, body) = &mails[0];
    assert_eq!(subject, "パスワードの再設定");
    assert!(
        body.contains("ログインID: hanako") && body.contains("30分"),
        "{body}"
    );
    let (first, second) = (link_in(body), link_in(&mails[1].1));
    assert_ne!(first, second);
    // The mail holds the secret; the database only its hash.
    let raw = std::fs::read(&s.db).unwrap();
    let secret = first.rsplit('/').next().unwrap().as_bytes();
    assert!(!raw.windows(secret.len()).any(|w| w == secret));

    // Opening the link uses nothing up (mail programs look at links).
    let mut b = Browser::new(&s);
    for _ in 0..2 {
        let r = b.get(&first);
        assert_eq!(r.status, 200);
        assert!(Html::parse(&r.text()).text("main p").contains("hanako"));
    }
    // The password rules apply, each problem beside its field.
    let r = b.submit(
        &first,
        &first,
        &[("new", "12345678"), ("again", "12345679")],
    );
    assert_eq!(r.status, 400);
    let page = Html::parse(&r.text());
    assert_eq!(page.attrs("#f-new", "aria-invalid"), vec!["true"]);
    assert_eq!(page.attrs("#f-again", "aria-invalid"), vec!["true"]);
    let r = b.submit(
        &first,
        &first,
        &[("new", "password-1234"), ("again", "password-1234")],
    );
    assert!(
        Html::parse(&r.text())
            .text("#f-new-error")
            .contains("以前に使った")
    );
    let r = b.submit(
        &first,
        &first,
        &[("new", "umi-no-hoshi-3"), ("again", "umi-no-hoshi-3")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.header("set-cookie")
            .unwrap()
            .starts_with("meguri_session=")
    );
    // Whoever used the link is logged in; every other way in has ended.
    assert_eq!(b.get("/app").status, 200);
    assert!(
        phone
            .get("/app")
            .header("location")
            .unwrap_or("")
            .starts_with("/login")
    );
    assert_eq!(s.as_(&token).get("/api/v1/me").status, 401);
    assert_eq!(token_login(&s, "hanako", "password-1234").status, 401);
    assert_eq!(token_login(&s, "hanako", "umi-no-hoshi-3").status, 200);
    // The link works once; the other one mailed meanwhile has ended too.
    for link in [&first, &second] {
        let r = Browser::new(&s).get(link);
        assert_eq!(r.status, 404);
        assert!(
            Html::parse(&r.text())
                .text(".alert")
                .contains("このリンクは使えません")
        );
    }
    let mut late = Browser::new(&s);
    let csrf = csrf_of(&late.get("/password/forgot").text());
    let r = late.post_form(
        &first,
        &[
            ("csrf", &csrf),
            ("new", "tsuki-no-fune-9"),
            ("again", "tsuki-no-fune-9"),
        ],
    );
    assert_eq!(r.status, 404, "used up: {}", r.text());
    assert_eq!(
        Browser::new(&s).post_form(&first, &[]).status,
        403,
        "no CSRF token"
    );
    assert!(audit(&s).contains("リンクでパスワードを再設定"));
    let balance = s
        .as_(&s.admin())
        .get(&format!("/api/v1/residents/{id}/balance"));
    assert_eq!(balance.json()["total"], 3000);
    s.verify();
}

#[test]
fn a_reset_link_lapses_after_thirty_minutes() {
    let s = Server::start();
    resident(&s, "hanako", "090-1234-5678", Some("hanako@example.jp"));
    assert_eq!(ask(&s, "hanako", "198.51.100.1").status, 303);
    let link = link_in(&outbox(&s, "hanako@example.jp")[0].1);
    s.advance(30 * 60 - 1);
    assert_eq!(
        Browser::new(&s).get(&link).status,
        200,
        "still within its time"
    );
    let mut b = Browser::new(&s);
    let page = b.get(&link);
    s.advance(1);
    let csrf = csrf_of(&page.text());
    let r = b.post_form(
        &link,
        &[
            ("csrf", &csrf),
            ("new", "umi-no-hoshi-3"),
            ("again", "umi-no-hoshi-3"),
        ],
    );
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(token_login(&s, "hanako", "password-1234").status, 200);
    assert_eq!(token_login(&s, "hanako", "umi-no-hoshi-3").status, 401);
    s.verify();
}

#[test]
fn reset_mails_are_limited_per_network_per_account_and_per_mail_address() {
    let s = Server::start();
    resident(&s, "hanako", "090-1234-5678", Some("family@example.jp"));
    resident(&s, "taro", "090-1234-5679", Some("family@example.jp"));
    // Per account: three mails an hour, then silence with the same answer.
    for i in 0..5 {
        assert_eq!(ask(&s, "hanako", &format!("198.51.100.{i}")).status, 303);
    }
    let to_hanako = |s: &Server| {
        outbox(s, "family@example.jp")
            .iter()
            .filter(|(_, b)| b.contains("ログインID: hanako"))
            .count()
    };
    assert_eq!(to_hanako(&s), 3);
    // Per mail address: five an hour, whichever account they are for.
    for i in 0..4 {
        assert_eq!(
            ask(&s, "family@example.jp", &format!("198.51.100.{}", 10 + i)).status,
            303
        );
    }
    assert_eq!(outbox(&s, "family@example.jp").len(), 5);
    // Per network: ten requests an hour, then a wait, whatever is asked about.
    for i in 0..10 {
        let who = if i % 2 == 0 { "nobody" } else { "taro" };
        assert_eq!(ask(&s, who, "203.0.113.9").status, 303, "request {i}");
    }
    for who in ["nobody", "taro"] {
        let r = ask(&s, who, "203.0.113.9");
        assert_eq!(r.status, 429);
        assert!(Html::parse(&r.text()).text(".alert").contains("多すぎます"));
    }
    s.advance(3600);
    assert_eq!(ask(&s, "hanako", "203.0.113.9").status, 303);
    assert_eq!(to_hanako(&s), 4, "the hour is over");
    s.verify();
}
