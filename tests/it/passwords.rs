//! One-time passwords serve only to choose a new password (pages and API); a change ends
//! every other way into the account; new passwords are neither weak nor used before.

use serde_json::json;

use crate::support::{Browser, Html, Server};

fn token_for(s: &Server, login: &str, password: &str) -> serde_json::Value {
    let r = s.api().post(
        "/api/v1/auth/token",
        &json!({ "login": login, "password": password }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

#[test]
fn a_one_time_password_only_changes_the_password_on_the_api_too() {
    let s = Server::start();
    let t = token_for(&s, &s.admin_login, &s.admin_otp);
    assert_eq!(t["must_change_password"], true);
    let otp_token = t["token"].as_str().unwrap().to_owned();
    let api = s.as_(&otp_token);
    for r in [
        api.get("/api/v1/me"),
        api.get("/api/v1/programs"),
        api.get("/metrics"),
        api.post(
            "/api/v1/stores",
            &json!({ "name": "勝手な店", "name_kana": "カッテ", "category": "食料品", "address": "本町" }),
        ),
        api.post(
            "/api/v1/residents",
            &json!({ "login": "sneaky", "password": "password-1234", "display_name": "X" }),
        ),
    ] {
        assert_eq!((r.status, r.code().as_str()), (403, "forbidden"));
        let m = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(m.contains("change it first") && m.contains("/api/v1/me/password"), "{m}");
    }
    assert_eq!(s.api().get("/api/v1/stores").json()["items"], json!([]));
    // A cookie session of the one-time password is held to the same on the API.
    let mut b = Browser::new(&s);
    assert_eq!(b.login(&s.admin_login, &s.admin_otp), "/password");
    let r = b.get("/api/v1/me");
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden"));

    // The one-time password cannot be chosen again, nor a weak one.
    for (new, says) in [
        (s.admin_otp.as_str(), "differ from the current"),
        ("12345678", "simple pattern"),
        ("qwertyuiop", "most used"),
        ("admin2024", "login ID"),
    ] {
        let r = api.post(
            "/api/v1/me/password",
            &json!({ "current": s.admin_otp, "new": new }),
        );
        assert_eq!(
            (r.status, r.code().as_str()),
            (400, "invalid_request"),
            "{new}"
        );
        let m = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(m.contains(says), "{new}: {m}");
    }
    let r = api.post(
        "/api/v1/me/password",
        &json!({ "current": s.admin_otp, "new": "kiri-no-mori-7" }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // Every way in with the one-time password has ended: its token and its session.
    assert_eq!(api.get("/api/v1/me").status, 401);
    let r = b.get("/admin");
    assert_eq!(r.status, 303);
    assert!(r.header("location").unwrap().starts_with("/login"));
    let t = token_for(&s, &s.admin_login, "kiri-no-mori-7");
    assert_eq!(t["must_change_password"], false);
    let me = s.as_(t["token"].as_str().unwrap()).get("/api/v1/me");
    assert_eq!(me.status, 200);
    s.verify();
}

#[test]
fn a_password_change_ends_the_other_sessions_and_every_token() {
    let s = Server::start();
    let (id, cli_token) = s.resident("hanako");
    let login_token = token_for(&s, "hanako", "password-1234")["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (mut here, mut there) = (Browser::new(&s), Browser::new(&s));
    here.login("hanako", "password-1234");
    there.login("hanako", "password-1234");
    assert_eq!(there.get("/app").status, 200);
    let r = here.submit(
        "/password",
        "/password",
        &[
            ("current", "password-1234"),
            ("new", "kiri-no-mori-7"),
            ("again", "kiri-no-mori-7"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // The session that made the change stays; whoever else had the old password is out.
    assert_eq!(here.get("/app").status, 200);
    let r = there.get("/app");
    assert_eq!(r.status, 303);
    assert!(r.header("location").unwrap().starts_with("/login"));
    for t in [&cli_token, &login_token] {
        assert_eq!(s.as_(t).get("/api/v1/me/balance").status, 401);
    }
    let fresh = s.token("resident", Some(id));
    assert_eq!(s.as_(&fresh).get("/api/v1/me/balance").status, 200);
    s.verify();
}

#[test]
fn new_passwords_are_not_weak_nor_used_before() {
    let s = Server::start();
    // Registration refuses weak passwords, on the API and on the page.
    for weak in ["12345678", "password1", "1q2w3e4r", "sato-hiroshi1"] {
        let r = s.api().post(
            "/api/v1/residents",
            &json!({ "login": "sato-hiroshi", "password": weak, "display_name": "佐藤" }),
        );
        assert_eq!(
            (r.status, r.code().as_str()),
            (400, "invalid_request"),
            "{weak}"
        );
    }
    let mut b = Browser::new(&s);
    let r = b.submit(
        "/register",
        "/register",
        &[
            ("display_name", "佐藤"),
            ("login", "sato-hiroshi"),
            ("password", "poiuytrewq"),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(
        Html::parse(&r.text())
            .text(".alert")
            .contains("キーボードの並び")
    );
    let r = s.api().post(
        "/api/v1/residents",
        &json!({ "login": "sato-hiroshi", "password": "password-1234", "display_name": "佐藤" }),
    );
    assert_eq!(r.status, 201);

    // Each change must pick a password not among the last ones.
    let change = |current: &str, new: &str| {
        let t = token_for(&s, "sato-hiroshi", current)["token"]
            .as_str()
            .unwrap()
            .to_owned();
        s.as_(&t).post(
            "/api/v1/me/password",
            &json!({ "current": current, "new": new }),
        )
    };
    assert_eq!(change("password-1234", "kiri-no-mori-7").status, 200);
    assert_eq!(change("kiri-no-mori-7", "umi-no-hoshi-3").status, 200);
    for old in ["password-1234", "kiri-no-mori-7"] {
        let r = change("umi-no-hoshi-3", old);
        assert_eq!((r.status, r.code().as_str()), (400, "invalid_request"));
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("used before")
        );
    }
    // On the page too, in the visitor's language.
    let mut b = Browser::new(&s);
    b.login("sato-hiroshi", "umi-no-hoshi-3");
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", "umi-no-hoshi-3"),
            ("new", "password-1234"),
            ("again", "password-1234"),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(
        Html::parse(&r.text())
            .text(".alert")
            .contains("以前に使ったパスワード")
    );
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", "umi-no-hoshi-3"),
            ("new", "Password123"),
            ("again", "Password123"),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(
        Html::parse(&r.text())
            .text(".alert")
            .contains("よく使われていて")
    );
    s.verify();
}
