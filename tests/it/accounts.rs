//! Tokens, residents, stores and staff over the API; rate limits; required fields.

use serde_json::json;

use crate::support::{Browser, Server};

#[test]
fn login_gives_a_token_that_acts_as_the_user() {
    let s = Server::start();
    let (id, _) = s.resident("hanako");
    let r = s.api().post(
        "/api/v1/auth/token",
        &json!({ "login": "HANAKO", "password": "password-1234" }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["role"], "resident");
    assert_eq!(body["subject_id"], id);
    let me = s
        .as_(body["token"].as_str().unwrap())
        .get("/api/v1/me")
        .json();
    assert_eq!(me["subject_id"], id);
    assert_eq!(me["role"], "resident");

    let r = s.api().post(
        "/api/v1/auth/token",
        &json!({ "login": "hanako", "password": "wrong-password" }),
    );
    assert_eq!((r.status, r.code().as_str()), (401, "unauthorized"));
    let r = s.api().post(
        "/api/v1/auth/token",
        &json!({ "login": "nobody", "password": "password-1234" }),
    );
    assert_eq!(r.status, 401);
    s.verify();
}

#[test]
fn tokens_expire_after_a_day() {
    let s = Server::start();
    s.resident("hanako");
    let t = s
        .api()
        .post(
            "/api/v1/auth/token",
            &json!({ "login": "hanako", "password": "password-1234" }),
        )
        .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(s.as_(&t).get("/api/v1/me").status, 200);
    s.advance(24 * 3600);
    assert_eq!(s.as_(&t).get("/api/v1/me").status, 401);
    s.verify();
}

#[test]
fn repeated_wrong_passwords_are_rate_limited() {
    let s = Server::start();
    s.resident("hanako");
    for _ in 0..5 {
        let r = s.api().post(
            "/api/v1/auth/token",
            &json!({ "login": "hanako", "password": "guess-guess" }),
        );
        assert_eq!(r.status, 401);
    }
    // Now even the right password is refused for a while from this address, on the API
    // and the login page (other addresses: `login_limits`).
    let r = s.api().post(
        "/api/v1/auth/token",
        &json!({ "login": "hanako", "password": "password-1234" }),
    );
    assert_eq!((r.status, r.code().as_str()), (429, "rate_limited"));
    let mut b = Browser::new(&s);
    let page = b.get("/login");
    let csrf = crate::support::csrf_of(&page.text());
    let r = b.post_form(
        "/login",
        &[
            ("csrf", &csrf),
            ("login", "hanako"),
            ("password", "password-1234"),
        ],
    );
    assert_eq!(r.status, 429);
    // Other logins are not affected.
    s.resident("taro");
    let r = s.api().post(
        "/api/v1/auth/token",
        &json!({ "login": "taro", "password": "password-1234" }),
    );
    assert_eq!(r.status, 200);
    // Half a minute later it works again (the wait doubles with each further failure).
    s.advance(30);
    let r = s.api().post(
        "/api/v1/auth/token",
        &json!({ "login": "hanako", "password": "password-1234" }),
    );
    assert_eq!(r.status, 200);
    s.verify();
}

#[test]
fn resident_registration_rules() {
    let s = Server::start();
    let base = json!({ "login": "yamada", "password": "password-1234", "display_name": "山田", "phone": "090-1234-5678",
                       "attributes": { "age_band": "40s", "area": "本町" } });
    let r = s.api().post("/api/v1/residents", &base);
    assert_eq!(r.status, 201, "{}", r.text());
    // The same login again, in other case.
    let mut dup = base.clone();
    dup["login"] = json!("YAMADA");
    let r = s.api().post("/api/v1/residents", &dup);
    assert_eq!((r.status, r.code().as_str()), (409, "conflict"));
    for (field, value) in [
        ("login", json!("a")),
        ("password", json!("short")),
        ("display_name", json!("")),
        ("phone", json!("12345")),
        ("attributes", json!({ "age_band": 40 })),
        ("extra", json!(true)),
    ] {
        let mut b = base.clone();
        b["login"] = json!("other-login");
        b[field] = value;
        let r = s.api().post("/api/v1/residents", &b);
        assert_eq!(
            (r.status, r.code().as_str()),
            (400, "invalid_request"),
            "{field}: {}",
            r.text()
        );
    }
    // The city makes phone and area required (through its settings page).
    let mut admin = Browser::new(&s);
    admin_logged_in(&s, &mut admin);
    let r = admin.submit(
        "/admin/settings",
        "/admin/settings",
        &[
            ("city_name", "安中市"),
            ("currency_name", "あんなかペイ"),
            ("color", "#224488"),
            ("required", "phone"),
            ("required", "area"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.api().post("/api/v1/residents", &json!({ "login": "nophone", "password": "password-1234", "display_name": "X", "attributes": { "area": "本町" } }));
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("phone")
    );
    let r = s.api().post("/api/v1/residents", &json!({ "login": "noarea", "password": "password-1234", "display_name": "X", "phone": "0273821111" }));
    assert_eq!(r.status, 400);
    let r = s.api().post("/api/v1/residents", &json!({ "login": "complete", "password": "password-1234", "display_name": "X", "phone": "0273821111", "attributes": { "area": "中宿" } }));
    assert_eq!(r.status, 201);
    // Staff may register residents; a resident may not.
    let r = s.as_(&s.token("operator", None)).post("/api/v1/residents", &json!({ "login": "counter", "password": "password-1234", "display_name": "窓口", "phone": "0273821111", "attributes": { "area": "中宿" } }));
    assert_eq!(r.status, 201);
    let (_, resident) = s.resident_with_phone("self");
    let r = s.as_(&resident).post(
        "/api/v1/residents",
        &json!({ "login": "another", "password": "password-1234", "display_name": "X" }),
    );
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden"));
    s.verify();
}

#[test]
fn stores_staff_and_directory_search() {
    let s = Server::start();
    let op = s.token("operator", None);
    let r = s.as_(&op).post(
        "/api/v1/stores",
        &json!({ "name": "喫茶 ひだまり", "name_kana": "キッサ ヒダマリ", "category": "飲食店", "address": "めぐり市中宿2-5-8",
                 "keywords": ["カフェ", "ケーキ"], "lat": 36.3, "lng": 138.9, "accepts": ["money", "points"],
                 "bank": { "bank_code": "0001", "branch_code": "001", "account_type": "ordinary", "account_number": "1234567", "holder_kana": "キッサヒダマリ" } }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let code = r.json()["mpm_code"].as_str().unwrap().to_owned();
    assert!(code.len() >= 16, "the MPM code must be unguessable");
    s.store("めぐり青果店", "seika");

    for q in [
        "ひだまり",
        "ヒダマリ",
        "ﾋﾀﾞﾏﾘ",
        "かふぇ",
        "ｶﾌｪ",
        "ＫＩＳＳＡ",
        "きっさ",
    ] {
        let r = s
            .api()
            .get(&format!("/api/v1/stores?q={}", crate::support::enc(q)));
        let names: Vec<String> = r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect();
        if q == "ＫＩＳＳＡ" {
            assert!(
                names.is_empty(),
                "latin letters do not match kana: {names:?}"
            );
        } else {
            assert_eq!(names, vec!["喫茶 ひだまり"], "query {q}");
        }
    }
    let r = s.api().get(&format!(
        "/api/v1/stores?category={}",
        crate::support::enc("食料品")
    ));
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 1);
    // The public directory does not hand out MPM codes; the office sees them.
    let public = s.api().get(&format!("/api/v1/stores/{id}")).json();
    assert!(public.get("mpm_code").is_none());
    assert_eq!(
        s.as_(&op).get(&format!("/api/v1/stores/{id}")).json()["mpm_code"],
        code
    );
    assert_eq!(s.api().get("/api/v1/stores/424242").status, 404);
    assert_eq!(s.api().get("/api/v1/stores/abc").status, 404);

    // Paging walks the list with the cursor.
    for i in 0..3 {
        s.store(&format!("店{i}"), &format!("staff{i}"));
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = s
            .api()
            .get(&format!("/api/v1/stores?limit=2&cursor={cursor}"))
            .json();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));

    // Staff logins: unique, bound to the store, the store must exist.
    let r = s.as_(&op).post(
        &format!("/api/v1/stores/{id}/staff"),
        &json!({ "login": "hidamari", "password": "password-1234" }),
    );
    assert_eq!(r.status, 201);
    let staff = r.json()["id"].as_i64().unwrap();
    let r = s.as_(&op).post(
        &format!("/api/v1/stores/{id}/staff"),
        &json!({ "login": "hidamari", "password": "password-1234" }),
    );
    assert_eq!((r.status, r.code().as_str()), (409, "conflict"));
    let r = s.as_(&op).post(
        "/api/v1/stores/999/staff",
        &json!({ "login": "ghost", "password": "password-1234" }),
    );
    assert_eq!(r.status, 404);
    let merchant = s.token("merchant", Some(staff));
    let me = s.as_(&merchant).get("/api/v1/me").json();
    assert_eq!(me["store_id"], id);
    assert_eq!(
        s.as_(&merchant).get(&format!("/api/v1/stores/{id}")).json()["mpm_code"],
        code
    );
    s.verify();
}

pub fn admin_logged_in(s: &Server, b: &mut Browser) {
    let to = b.login(&s.admin_login, &s.admin_otp);
    assert_eq!(
        to, "/password",
        "a one-time password leads to the password page"
    );
    let r = b.submit(
        "/password",
        "/password",
        &[
            ("current", &s.admin_otp),
            ("new", "admin-secret-1"),
            ("again", "admin-secret-1"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

impl Server {
    pub fn resident_with_phone(&self, login: &str) -> (i64, String) {
        let r = self.api().post(
            "/api/v1/residents",
            &json!({ "login": login, "password": "password-1234", "display_name": "住民", "phone": "0273821111", "attributes": { "area": "本町" } }),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        (id, self.token("resident", Some(id)))
    }
}
