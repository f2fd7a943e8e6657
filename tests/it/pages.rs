//! The HTML pages: login, forced password change, start page per role, CSRF, session
//! expiry, language switch, escaping, registration, the admin's account page and the
//! sandbox banner.

use crate::accounts::admin_logged_in;
use crate::support::{Browser, Html, Server, TempDir, csrf_of, meguri, path_of};

#[test]
fn each_role_logs_in_and_sees_its_start_page() {
    let s = Server::start();
    let mut admin = Browser::new(&s);
    admin_logged_in(&s, &mut admin);
    let page = Html::parse(&admin.get("/admin").text());
    assert_eq!(page.text("h1"), "管理者メニュー");

    // The admin creates an operator and a distributor on the accounts page.
    let mut made = Vec::new();
    for (login, role) in [("sato", "operator"), ("kodomo", "distributor")] {
        let r = admin.submit(
            "/admin/accounts",
            "/admin/accounts",
            &[("login", login), ("display_name", "佐藤"), ("role", role)],
        );
        assert_eq!(r.status, 201, "{}", r.text());
        let otp = Html::parse(&r.text()).text("code.secret");
        made.push((login, otp));
    }
    let (_, _, _) = s.store("めぐり青果店", "seika");
    s.resident("hanako");

    let expect = [
        (made[0].0, made[0].1.as_str(), "/office", "事務局メニュー"),
        (
            made[1].0,
            made[1].1.as_str(),
            "/distributor",
            "配布団体メニュー",
        ),
        ("seika", "password-1234", "/shop", "加盟店メニュー"),
        ("hanako", "password-1234", "/app", "マイページ"),
    ];
    for (login, password, home, title) in expect {
        let mut b = Browser::new(&s);
        let mut to = b.login(login, password);
        if to == "/password" {
            let r = b.submit(
                "/password",
                "/password",
                &[
                    ("current", password),
                    ("new", "brand-new-pass"),
                    ("again", "brand-new-pass"),
                ],
            );
            assert_eq!(r.status, 200);
            to = b.get("/").header("location").unwrap().to_owned();
        }
        assert_eq!(to, home, "{login}");
        let r = b.get(home);
        assert_eq!(r.status, 200, "{login}: {}", r.text());
        assert_eq!(Html::parse(&r.text()).text("h1"), title);
        // Other roles' start pages are refused.
        let other = if home == "/admin" { "/app" } else { "/admin" };
        assert_eq!(b.get(other).status, 403, "{login} opened {other}");
    }
    let shop = {
        let mut b = Browser::new(&s);
        b.login("seika", "password-1234");
        Html::parse(&b.get("/shop").text())
    };
    assert!(
        shop.texts("dd code").iter().any(|t| t.contains("/p/")),
        "the shop sees where its QR points"
    );
    assert_eq!(
        shop.attrs("section.store-qr svg.qr", "role"),
        vec!["img"],
        "and the QR itself, to show or print"
    );
    s.verify();
}

#[test]
fn one_time_password_must_be_replaced_before_anything_else() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    assert_eq!(b.login(&s.admin_login, &s.admin_otp), "/password");
    let r = b.get("/admin");
    assert_eq!((r.status, r.header("location")), (303, Some("/password")));
    // Mismatched confirmation and a too-short password are refused on the form.
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", &s.admin_otp),
            ("new", "new-password-1"),
            ("again", "new-password-2"),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(!Html::parse(&r.text()).text(".alert").is_empty());
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", &s.admin_otp),
            ("new", "short"),
            ("again", "short"),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(Html::parse(&r.text()).text(".alert").contains("8文字"));
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", "wrong"),
            ("new", "new-password-1"),
            ("again", "new-password-1"),
        ],
    );
    assert_eq!(r.status, 400);
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", &s.admin_otp),
            ("new", "new-password-1"),
            ("again", "new-password-1"),
        ],
    );
    assert_eq!(r.status, 200);
    assert_eq!(b.get("/admin").status, 200);
    // The one-time password no longer works.
    let mut other = Browser::new(&s);
    let r = other.submit(
        "/login",
        "/login",
        &[("login", &s.admin_login), ("password", &s.admin_otp)],
    );
    assert_eq!(r.status, 401);
    assert_eq!(
        Html::parse(&r.text()).text(".alert"),
        "ログインIDまたはパスワードが違います"
    );
    s.verify();
}

#[test]
fn forms_without_a_valid_csrf_token_are_refused_and_change_nothing() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    admin_logged_in(&s, &mut b);
    let count = |b: &mut Browser| {
        Html::parse(&b.get("/admin/accounts").text())
            .texts("tbody tr")
            .len()
    };
    let before = count(&mut b);
    assert!(before >= 1, "the admin is listed");
    let fields = [
        ("login", "mallory"),
        ("display_name", "M"),
        ("role", "admin"),
    ];

    let r = b.post_form("/admin/accounts", &fields);
    assert_eq!(r.status, 403, "missing token");
    let stale = csrf_of(&b.get("/admin/accounts").text());
    let mut with = vec![("csrf", "0123456789abcdef0123456789abcdef")];
    with.extend_from_slice(&fields);
    assert_eq!(
        b.post_form("/admin/accounts", &with).status,
        403,
        "forged token"
    );

    // Log out and in again: the token of the old session is stale.
    let r = b.submit("/admin", "/logout", &[]);
    assert_eq!(r.status, 303);
    assert_eq!(b.get("/admin").status, 303, "logged out");
    b.login(&s.admin_login, "admin-secret-1");
    let mut with = vec![("csrf", stale.as_str())];
    with.extend_from_slice(&fields);
    let r = b.post_form("/admin/accounts", &with);
    assert_eq!(r.status, 403, "stale token");
    assert!(Html::parse(&r.text()).text("h1").contains("できません"));
    assert_eq!(count(&mut b), before);

    // A token from another visitor's login form does not log anyone in.
    let mut eve = Browser::new(&s);
    let eves = csrf_of(&eve.get("/login").text());
    let mut victim = Browser::new(&s);
    victim.get("/login");
    let r = victim.post_form(
        "/login",
        &[
            ("csrf", &eves),
            ("login", &s.admin_login),
            ("password", "admin-secret-1"),
        ],
    );
    assert_eq!(r.status, 403);
    s.verify();
}

#[test]
fn sessions_expire_when_idle_and_when_old() {
    let s = Server::start();
    s.set_clock("2024-12-01T09:00:00+09:00");
    let mut b = Browser::new(&s);
    admin_logged_in(&s, &mut b);
    assert_eq!(b.get("/admin").status, 200);
    // Staff sessions end after two idle hours.
    s.advance(2 * 3600 + 1);
    let r = b.get("/admin");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login?next=/admin"));

    // Active all day, but twelve hours after login the session ends anyway.
    b.login(&s.admin_login, "admin-secret-1");
    for _ in 0..11 {
        s.advance(3600);
        assert_eq!(b.get("/admin").status, 200);
    }
    s.advance(3600);
    assert_eq!(b.get("/admin").status, 303);

    // Residents stay logged in for weeks on their own phone.
    s.resident("hanako");
    let mut r = Browser::new(&s);
    r.login("hanako", "password-1234");
    s.advance(7 * 86400);
    assert_eq!(r.get("/app").status, 200);
    s.verify();
}

#[test]
fn login_returns_to_the_page_asked_for_but_never_off_site() {
    let s = Server::start();
    s.resident("hanako");
    let mut b = Browser::new(&s);
    let r = b.get("/app");
    assert_eq!(r.header("location"), Some("/login?next=/app"));
    let page = b.get("/login?next=/app");
    let next = Html::parse(&page.text()).attrs("input[name=next]", "value");
    assert_eq!(next, vec!["/app"]);
    let csrf = csrf_of(&page.text());
    let r = b.post_form(
        "/login",
        &[
            ("csrf", &csrf),
            ("login", "hanako"),
            ("password", "password-1234"),
            ("next", "/app"),
        ],
    );
    assert_eq!(r.header("location"), Some("/app"));
    for evil in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
    ] {
        let mut b = Browser::new(&s);
        let csrf = csrf_of(&b.get("/login").text());
        let r = b.post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("login", "hanako"),
                ("password", "password-1234"),
                ("next", evil),
            ],
        );
        assert_eq!(r.header("location"), Some("/app"), "{evil}");
    }
    s.verify();
}

#[test]
fn language_switch_and_cookie_flags() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    let r = b.get("/login");
    let page = Html::parse(&r.text());
    assert_eq!(page.text("h1"), "ログイン");
    assert_eq!(page.attrs("html", "lang"), vec!["ja"]);
    let set = r.header("set-cookie").unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"));
    let r = b.get("/lang?to=en&next=/login");
    assert_eq!(r.header("location"), Some("/login"));
    let page = Html::parse(&b.get("/login").text());
    assert_eq!(page.text("h1"), "Log in");
    assert_eq!(page.attrs("html", "lang"), vec!["en"]);
    // Errors follow the language too.
    let r = b.submit(
        "/login",
        "/login",
        &[("login", "nobody"), ("password", "whatever-1")],
    );
    assert_eq!(
        Html::parse(&r.text()).text(".alert"),
        "wrong login or password"
    );
    assert_eq!(
        b.get("/lang?to=ja&next=https://evil.example")
            .header("location"),
        Some("/")
    );
    s.verify();
}

#[test]
fn self_registration_page_logs_the_resident_in_and_escapes_names() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    let r = b.submit(
        "/register",
        "/register",
        &[
            ("display_name", "<script>alert(1)</script>"),
            ("login", "newbie"),
            ("password", "password-1234"),
            ("phone", "090-0000-1111"),
            ("age_band", "70s"),
        ],
    );
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/app/welcome")),
        "first visit explains the scheme"
    );
    assert_eq!(
        Html::parse(&b.get("/app/welcome").text()).text("h1"),
        "はじめての方へ"
    );
    let page = b.get("/app");
    let text = page.text();
    assert!(!text.contains("<script>alert"), "the name is escaped");
    assert!(
        Html::parse(&text)
            .text("p.lead")
            .contains("<script>alert(1)</script>")
    );

    // Bad input is shown on the form in Japanese, with the entered values kept.
    let mut b = Browser::new(&s);
    let r = b.submit(
        "/register",
        "/register",
        &[
            ("display_name", "花子"),
            ("login", "newbie"),
            ("password", "password-1234"),
        ],
    );
    assert_eq!(r.status, 409);
    let page = Html::parse(&r.text());
    assert!(page.text(".alert").contains("既に使われています"));
    assert_eq!(
        page.attrs("input[name=display_name]", "value"),
        vec!["花子"]
    );
    let r = b.submit(
        "/register",
        "/register",
        &[
            ("display_name", "花子"),
            ("login", "hanako"),
            ("password", "password-1234"),
            ("phone", "12"),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(Html::parse(&r.text()).text(".alert").contains("電話番号"));
    s.verify();
}

#[test]
fn branding_from_settings_reaches_every_page() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    admin_logged_in(&s, &mut b);
    let r = b.submit(
        "/admin/settings",
        "/admin/settings",
        &[
            ("city_name", "刈谷市"),
            ("currency_name", "かりやペイ"),
            ("color", "#AA3300"),
        ],
    );
    assert_eq!(r.status, 200);
    let r = b.submit(
        "/admin/settings",
        "/admin/settings",
        &[
            ("city_name", "刈谷市"),
            ("currency_name", "かりやペイ"),
            ("color", "red;}body{"),
        ],
    );
    assert_eq!(r.status, 400);
    let anon = Browser::new(&s).get("/").text();
    assert_eq!(Html::parse(&anon).text(".brand .city"), "刈谷市");
    let css = Browser::new(&s).get("/assets/brand.css").text();
    assert!(css.contains("--brand: #aa3300;"), "{css}");
    // Both changes are in the audit log.
    let audit = Html::parse(&b.get("/admin/audit").text()).texts("tbody tr");
    assert!(audit.iter().any(|r| r.contains("市の設定を変更")));
    s.verify();
}

#[test]
fn resident_sees_balance_per_program_soonest_expiry_first_and_history() {
    let s = Server::start();
    s.set_clock("2024-12-01T10:00:00+09:00");
    let admin = s.admin();
    let r = s.as_(&admin).post("/api/v1/programs", &serde_json::json!({ "code": "gift", "name": "子育て応援ギフト", "kind": "subsidy", "expires_at": "2025-03-31" }));
    assert_eq!(r.status, 201);
    let (id, token) = s.resident("hanako");
    s.as_(&admin).post(
        "/api/v1/grants",
        &serde_json::json!({ "program": "gift", "amount": 5000, "resident_ids": [id] }),
    );
    s.as_(&token).post(
        "/api/v1/charges",
        &serde_json::json!({ "resident_id": id, "amount": 12345, "method": "credit_card" }),
    );
    let (_, code, _) = s.store("めぐり青果店", "seika");
    s.as_(&token).post(
        "/api/v1/payments",
        &serde_json::json!({ "store_code": code, "amount": 345 }),
    );

    let mut b = Browser::new(&s);
    b.login("hanako", "password-1234");
    let page = Html::parse(&b.get("/app").text());
    assert_eq!(page.text("p.total"), "17,000円");
    assert_eq!(page.texts("ul.lots span.name")[0], "子育て応援ギフト");
    assert_eq!(
        page.texts("ul.lots span.until"),
        vec!["2025年3月31日(月)まで", "有効期限なし"]
    );
    assert_eq!(
        page.texts("ul.lots span.amount"),
        vec!["4,655円", "12,345円"]
    );
    let history = page.texts("ul.history span.what");
    assert_eq!(history, vec!["お支払い めぐり青果店", "チャージ", "付与"]);
    assert_eq!(page.texts("ul.history span.delta")[0], "-345円");

    // The city's per-program page shows the same figures.
    let mut office = Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut office);
    let t = Html::parse(&office.get("/office/programs").text());
    let cells = t.texts("section.program dd");
    // cash: issued 12,345, outstanding 12,345, redeemed 0; gift: 5,000 / 4,655 / 345 / 0
    assert_eq!(
        cells,
        vec![
            "12,345円",
            "12,345円",
            "0円",
            "0円",
            "5,000円",
            "4,655円",
            "345円",
            "0円"
        ]
    );
    s.verify();
}

#[test]
fn the_city_uploads_its_logo() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    admin_logged_in(&s, &mut b);
    let csrf = csrf_of(&b.get("/admin/settings").text());
    let png: Vec<u8> = [&b"\x89PNG\r\n\x1a\n"[..], &[7u8; 100][..]].concat();
    let r = b.post_multipart(
        "/admin/logo",
        &[("csrf", &csrf)],
        &[("logo", "logo.png", "image/png", &png)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let logo = Browser::new(&s).get("/assets/logo");
    assert_eq!(
        (logo.status, logo.header("content-type")),
        (200, Some("image/png"))
    );
    assert_eq!(logo.body, png);
    let home = Html::parse(&Browser::new(&s).get("/").text());
    assert_eq!(home.attrs("img.logo", "src"), vec!["/assets/logo"]);
    // Not an image, or too large: refused with a message, the logo stays.
    let csrf = csrf_of(&b.get("/admin/settings").text());
    let r = b.post_multipart(
        "/admin/logo",
        &[("csrf", &csrf)],
        &[(
            "logo",
            "evil.svg",
            "image/svg+xml",
            b"<svg onload=alert(1)>",
        )],
    );
    assert_eq!(r.status, 400);
    assert!(Html::parse(&r.text()).text(".alert").contains("PNG"));
    let big: Vec<u8> = [&b"\x89PNG\r\n\x1a\n"[..], &vec![0u8; 600 * 1024][..]].concat();
    let r = b.post_multipart(
        "/admin/logo",
        &[("csrf", &csrf)],
        &[("logo", "big.png", "image/png", &big)],
    );
    assert_eq!(r.status, 400);
    // Without the CSRF field the upload is refused outright.
    let r = b.post_multipart(
        "/admin/logo",
        &[],
        &[("logo", "logo.png", "image/png", &png)],
    );
    assert_eq!(r.status, 403);
    assert_eq!(Browser::new(&s).get("/assets/logo").body, png);
    s.verify();
}

#[test]
fn the_sandbox_says_so_on_every_page_and_needs_its_own_database() {
    let banner = "テスト環境です。ここでの支払いやチャージは本物のお金ではありません。";
    let sandbox = Server::start_with(&["--sandbox"]);
    for path in ["/", "/login", "/stores"] {
        let page = sandbox.api().get(path);
        assert_eq!(page.status, 200, "{path}");
        assert!(page.text().contains(banner), "{path}");
    }
    // The sandbox clock is on.
    sandbox.set_clock("2025-01-06T09:00:00+09:00");
    sandbox.verify();
    let real = Server::start_with(&[]);
    assert!(!real.api().get("/").text().contains(banner));

    let dir = TempDir::new();
    let db = dir.0.join("meguri.db");
    let out = meguri(&["serve", "--sandbox", "--db", path_of(&db)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("its own database"));
    assert!(!db.exists());
}
