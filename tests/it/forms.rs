//! Forgiving forms. A login typed through a Japanese input method (`ｔａｎａｋａ`) is the
//! same as `tanaka`; where the city turns it on, residents log in with the phone number
//! on file. Every problem of a login, registration, password or contact form is shown
//! beside its field at once (`aria-invalid`, `aria-describedby` to its message), with
//! what was typed kept. A resident adds a mail address (sealed like the phone); changing
//! it needs the password and tells the old address.

use serde_json::json;

use crate::accounts::admin_logged_in;
use crate::recovery::outbox;
use crate::support::{Browser, Html, Resp, Server};

fn token_login(s: &Server, login: &str, password: &str) -> Resp {
    s.api().post(
        "/api/v1/auth/token",
        &json!({ "login": login, "password": password }),
    )
}

/// The field's state on a page: (aria-invalid, aria-describedby, its message).
fn field_state(page: &Html, name: &str) -> (String, String, String) {
    let one = |attr: &str| {
        page.attrs(&format!("#f-{name}"), attr)
            .into_iter()
            .next()
            .unwrap_or_default()
    };
    let message = page
        .texts(&format!("#f-{name}-error"))
        .into_iter()
        .next()
        .unwrap_or_default();
    (one("aria-invalid"), one("aria-describedby"), message)
}

fn value(page: &Html, name: &str) -> String {
    page.attrs(&format!("#f-{name}"), "value")
        .into_iter()
        .next()
        .unwrap_or_default()
}

#[test]
fn a_full_width_login_is_the_same_login() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    let r = b.submit(
        "/register",
        "/register",
        &[
            ("display_name", "田中 一郎"),
            ("login", "\u{3000}ｔａｎａｋａ"),
            ("password", "password-1234"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    for typed in ["tanaka", "Tanaka", "ｔａｎａｋａ", " ＴＡＮＡＫＡ　"] {
        assert_eq!(
            Browser::new(&s).login(typed, "password-1234"),
            "/app",
            "{typed}"
        );
        assert_eq!(
            token_login(&s, typed, "password-1234").status,
            200,
            "{typed}"
        );
    }
    // The same login written another way is taken, said beside the login field.
    let r = Browser::new(&s).submit(
        "/register",
        "/register",
        &[
            ("display_name", "田中 二郎"),
            ("login", "TANAKA"),
            ("password", "password-5678"),
        ],
    );
    assert_eq!(r.status, 409);
    let page = Html::parse(&r.text());
    let (invalid, _, message) = field_state(&page, "login");
    assert_eq!(invalid, "true");
    assert!(
        message.contains("tanaka") && message.contains("既に使われています"),
        "{message}"
    );
    assert_eq!(
        value(&page, "password"),
        "password-5678",
        "the password was fine"
    );
    let r = s.api().post(
        "/api/v1/residents",
        &json!({ "login": "ｔａｎａｋａ", "password": "password-1234", "display_name": "x" }),
    );
    assert_eq!((r.status, r.code().as_str()), (409, "conflict"));
    s.verify();
}

#[test]
fn residents_log_in_with_their_phone_number_where_the_city_allows_it() {
    let s = Server::start();
    for (login, phone) in [
        ("hanako", "090-1234-5678"),
        ("taro", "027-382-1111"),
        ("jiro", "027-382-1111"),
    ] {
        let r = s.api().post(
            "/api/v1/residents",
            &json!({ "login": login, "password": "password-1234", "display_name": "住民", "phone": phone }),
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let typed = "０９０－１２３４－５６７８";
    assert_eq!(
        token_login(&s, typed, "password-1234").status,
        401,
        "off by default"
    );
    assert_eq!(
        Html::parse(&Browser::new(&s).get("/login").text()).text("label[for=f-login]"),
        "ログインID必須"
    );

    let mut admin = Browser::new(&s);
    admin_logged_in(&s, &mut admin);
    let settings = |on: bool| {
        let mut f = vec![
            ("city_name", "めぐり市"),
            ("currency_name", "めぐりペイ"),
            ("color", "#1b6e53"),
        ];
        if on {
            f.push(("phone_login", "on"));
        }
        f
    };
    let r = admin.submit("/admin/settings", "/admin/settings", &settings(true));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.text()
            .contains(r#"name="phone_login" value="on" checked"#)
    );
    let page = Html::parse(&Browser::new(&s).get("/login").text());
    assert!(
        page.text("label[for=f-login]")
            .starts_with("ログインIDまたは電話番号")
    );

    // Written any way, the number names hanako, on the page and on the API.
    for phone in [typed, "090-1234-5678", "09012345678"] {
        assert_eq!(
            Browser::new(&s).login(phone, "password-1234"),
            "/app",
            "{phone}"
        );
    }
    let t = token_login(&s, "090 1234 5678", "password-1234");
    assert_eq!(t.status, 200, "{}", t.text());
    let hanako = s
        .as_(t.json()["token"].as_str().unwrap())
        .get("/api/v1/me")
        .json();
    assert_eq!(
        hanako["subject_id"],
        token_login(&s, "hanako", "password-1234").json()["subject_id"]
    );
    assert_eq!(token_login(&s, typed, "wrong-password").status, 401);
    // A number two residents share names neither, with the usual message.
    let r = Browser::new(&s).submit(
        "/login",
        "/login",
        &[("login", "027-382-1111"), ("password", "password-1234")],
    );
    assert_eq!(r.status, 401);
    assert_eq!(
        Html::parse(&r.text()).text(".alert"),
        "ログインIDまたはパスワードが違います"
    );
    // Staff logins are not phone numbers; turning it off ends phone logins again.
    let r = admin.submit("/admin/settings", "/admin/settings", &settings(false));
    assert_eq!(r.status, 200);
    assert_eq!(token_login(&s, typed, "password-1234").status, 401);
    assert!(
        admin
            .get("/admin/audit")
            .text()
            .contains("電話番号でのログインを切り替え"),
        "{}",
        admin.get("/admin/audit").text()
    );
    s.verify();
}

#[test]
fn registration_shows_every_problem_beside_its_field_and_keeps_what_was_typed() {
    let s = Server::start();
    let mut admin = Browser::new(&s);
    admin_logged_in(&s, &mut admin);
    let r = admin.submit(
        "/admin/settings",
        "/admin/settings",
        &[
            ("city_name", "めぐり市"),
            ("currency_name", "めぐりペイ"),
            ("color", "#1b6e53"),
            ("required", "area"),
        ],
    );
    assert_eq!(r.status, 200);
    let mut b = Browser::new(&s);
    let r = b.submit(
        "/register",
        "/register",
        &[
            ("display_name", ""),
            ("login", "ab"),
            ("password", "kiri-no-mori-7"),
            ("phone", "12"),
            ("mail", "hanako@"),
            ("age_band", "70s"),
        ],
    );
    assert_eq!(r.status, 400);
    let page = Html::parse(&r.text());
    // All five at once, in the form's order, each linked from the summary.
    let links = page.attrs(".error-summary a", "href");
    assert_eq!(
        links,
        [
            "#f-display_name",
            "#f-login",
            "#f-phone",
            "#f-mail",
            "#f-area"
        ]
    );
    assert!(page.text(".error-summary").contains("5件"));
    for (name, says) in [
        ("display_name", "お名前"),
        ("login", "3〜64文字"),
        ("phone", "電話番号"),
        ("mail", "hanako@example.jp"),
        ("area", "必須"),
    ] {
        let (invalid, described, message) = field_state(&page, name);
        assert_eq!(invalid, "true", "{name}");
        assert!(
            described
                .split(' ')
                .any(|id| id == format!("f-{name}-error")),
            "{name}: {described}"
        );
        assert!(message.contains(says), "{name}: {message}");
    }
    // The login's hint is still read with it.
    assert_eq!(field_state(&page, "login").1, "f-login-hint f-login-error");
    // What was typed is kept; the password too, since it was fine.
    assert_eq!(value(&page, "login"), "ab");
    assert_eq!(value(&page, "phone"), "12");
    assert_eq!(value(&page, "mail"), "hanako@");
    assert_eq!(value(&page, "password"), "kiri-no-mori-7");
    assert!(r.text().contains(r#"<option value="70s" selected>"#));
    assert_eq!(field_state(&page, "password").0, "");
    assert!(
        r.text()
            .contains(r#"<form class="card" method="post" action="/register" novalidate>"#),
        "no one-at-a-time bubbles"
    );

    // A password that breaks the rules is the one thing cleared.
    let r = b.submit(
        "/register",
        "/register",
        &[
            ("display_name", "花子"),
            ("login", "hanako"),
            ("password", "12345678"),
            ("area", "本町"),
        ],
    );
    assert_eq!(r.status, 400);
    let page = Html::parse(&r.text());
    assert_eq!(page.attrs(".error-summary a", "href"), ["#f-password"]);
    assert_eq!(value(&page, "password"), "");
    assert_eq!(value(&page, "display_name"), "花子");

    // The API says every problem too, in one message.
    let r = s.api().post(
        "/api/v1/residents",
        &json!({ "login": "ab", "password": "password-1234", "display_name": "x", "mail": "nope", "attributes": { "area": "本町" } }),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "invalid_request"));
    let m = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        m.contains("login must be 3 to 64") && m.contains("hanako@example.jp"),
        "{m}"
    );
    s.verify();
}

#[test]
fn login_and_password_forms_point_each_field_at_its_problem() {
    let s = Server::start();
    s.resident("hanako");
    let mut b = Browser::new(&s);
    // Nothing typed: both fields, no attempt counted.
    let r = b.submit("/login", "/login", &[("login", " "), ("password", "")]);
    assert_eq!(r.status, 400);
    let page = Html::parse(&r.text());
    assert_eq!(
        page.attrs(".error-summary a", "href"),
        ["#f-login", "#f-password"]
    );
    // Wrong: one message, which both fields point at; the login is kept, not the password.
    let r = b.submit(
        "/login",
        "/login",
        &[("login", "hanako"), ("password", "wrong-one-1")],
    );
    assert_eq!(r.status, 401);
    let page = Html::parse(&r.text());
    assert_eq!(page.attrs("p.alert", "id"), vec!["form-error"]);
    for name in ["login", "password"] {
        let (invalid, described, _) = field_state(&page, name);
        assert_eq!(
            (invalid.as_str(), described.as_str()),
            ("true", "form-error"),
            "{name}"
        );
    }
    assert_eq!(value(&page, "login"), "hanako");
    assert_eq!(value(&page, "password"), "");

    b.login("hanako", "password-1234");
    // A wrong current password and a weak new one, both at once.
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", "wrong-one-1"),
            ("new", "12345678"),
            ("again", "12345678"),
        ],
    );
    assert_eq!(r.status, 400);
    let page = Html::parse(&r.text());
    assert_eq!(
        page.attrs(".error-summary a", "href"),
        ["#f-current", "#f-new"]
    );
    assert!(
        field_state(&page, "current")
            .2
            .contains("現在のパスワードが違います")
    );
    assert_eq!(field_state(&page, "new").1, "f-new-hint f-new-error");
    // Only the two new ones differ: the right current password stays, the pair is cleared.
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", "password-1234"),
            ("new", "kiri-no-mori-7"),
            ("again", "kiri-no-mori-8"),
        ],
    );
    assert_eq!(r.status, 400);
    let page = Html::parse(&r.text());
    assert_eq!(page.attrs(".error-summary a", "href"), ["#f-again"]);
    assert_eq!(value(&page, "current"), "password-1234");
    assert_eq!(
        (value(&page, "new"), value(&page, "again")),
        (String::new(), String::new())
    );
    assert_eq!(
        token_login(&s, "hanako", "password-1234").status,
        200,
        "unchanged"
    );
    s.verify();
}

#[test]
fn a_resident_adds_a_mail_address_and_changing_it_needs_the_password() {
    let s = Server::start();
    s.resident("hanako");
    let mut b = Browser::new(&s);
    b.login("hanako", "password-1234");
    let home = Html::parse(&b.get("/app").text());
    assert!(
        home.attrs("nav.menu a", "href")
            .contains(&"/app/profile".to_owned())
    );
    let save = |b: &mut Browser, mail: &str, current: &str| {
        b.submit(
            "/app/profile",
            "/app/profile",
            &[
                ("phone", "090-1234-5678"),
                ("mail", mail),
                ("lang", "vi"),
                ("current", current),
            ],
        )
    };
    // A mail address, typed full-width, needs the password; every problem at once.
    let r = save(&mut b, "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", "");
    assert_eq!(r.status, 400);
    let page = Html::parse(&r.text());
    assert_eq!(page.attrs(".error-summary a", "href"), ["#f-current"]);
    assert_eq!(value(&page, "mail"), "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ");
    let r = b.submit(
        "/app/profile",
        "/app/profile",
        &[
            ("phone", "12"),
            ("mail", "nope"),
            ("lang", "xx"),
            ("current", "wrong-one-1"),
        ],
    );
    assert_eq!(r.status, 400);
    let page = Html::parse(&r.text());
    assert_eq!(
        page.attrs(".error-summary a", "href"),
        ["#f-phone", "#f-mail", "#f-lang"],
        "the password is checked only for a valid new address"
    );
    let r = save(
        &mut b,
        "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ",
        "password-1234",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let page = Html::parse(&r.text());
    assert_eq!(value(&page, "mail"), "hanako@example.jp");
    assert!(r.text().contains(r#"<option value="vi" selected>"#));
    assert!(
        outbox(&s, "hanako@example.jp").is_empty(),
        "nothing to tell yet"
    );
    // A form without its fields (no language chosen) changes nothing.
    let csrf = crate::support::csrf_of(&b.get("/app/profile").text());
    assert_eq!(b.post_form("/app/profile", &[("csrf", &csrf)]).status, 400);
    assert_eq!(
        value(&Html::parse(&b.get("/app/profile").text()), "mail"),
        "hanako@example.jp"
    );
    // Another address: the old one is told, in the resident's language.
    assert_eq!(save(&mut b, "hana@example.jp", "password-1234").status, 200);
    let told = outbox(&s, "hanako@example.jp");
    assert_eq!(told.len(), 1);
    assert!(
        told[0].1.contains("hanako") && told[0].0.contains("email"),
        "{told:?}"
    );
    // The reset link now goes to the new address, in Vietnamese.
    let mut v = Browser::new(&s);
    let r = v.submit(
        "/password/forgot",
        "/password/forgot",
        &[("identifier", "hana@example.jp")],
    );
    assert_eq!(r.status, 303);
    let mails = outbox(&s, "hana@example.jp");
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].1.contains("ID đăng nhập: hanako"),
        "{}",
        mails[0].1
    );
    // Sealed like the phone number.
    let raw = std::fs::read(&s.db).unwrap_or_default();
    let wal = std::fs::read(format!("{}-wal", s.db.display())).unwrap_or_default();
    for bytes in [raw, wal] {
        assert!(!bytes.windows(15).any(|w| w == b"hana@example.jp"));
    }
    s.verify();
}
