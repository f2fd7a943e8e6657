//! Applying and being found as people do it: the store terms linked from the form, the
//! entries (and the ticked agreements) kept after an error, the reading stored in
//! katakana, the short application number, the location asked at approval, and the
//! directory's search, list and map for stores with and without a location.

use serde_json::json;

use crate::accounts::admin_logged_in;
use crate::applications::application;
use crate::support::webdriver::Driver;
use crate::support::{Browser, Html, Server, csrf_of};

fn with(
    base: Vec<(&'static str, &'static str)>,
    changes: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<_> = base
        .into_iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .collect();
    v.extend(changes.iter().filter(|(_, val)| !val.is_empty()));
    v
}

/// Submits an application; returns its receipt page.
fn apply(s: &Server, email: &'static str, changes: &[(&'static str, &'static str)]) -> Html {
    let mut b = Browser::new(s);
    let r = b.submit(
        "/apply",
        "/apply",
        &with(application(email, "花屋はなだ"), changes),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    Html::parse(&r.text())
}

#[test]
fn the_form_links_the_terms_the_city_can_rewrite() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    let form = Html::parse(&b.get("/apply").text());
    assert_eq!(form.attrs("a#terms-link", "href"), ["/apply/terms"]);
    let terms = Html::parse(&b.get("/apply/terms").text());
    assert_eq!(
        terms.texts("section.terms ol li").len(),
        4,
        "the standard terms"
    );
    assert!(terms.text("section.terms").contains("換金目的"));

    let mut admin = Browser::new(&s);
    admin_logged_in(&s, &mut admin);
    let settings = Html::parse(&admin.get("/admin/settings").text());
    let value = |n: &str| settings.attrs(&format!("input[name={n}]"), "value")[0].clone();
    let (city, currency, color) = (value("city_name"), value("currency_name"), value("color"));
    let r = admin.submit(
        "/admin/settings",
        "/admin/settings",
        &[
            ("city_name", &city),
            ("currency_name", &currency),
            ("color", &color),
            (
                "store_terms",
                "第1条 めぐり市の加盟店規約。\n\n第2条 <b>現金化</b>の禁止。",
            ),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let terms = Html::parse(&b.get("/apply/terms").text());
    let paragraphs = terms.texts("section.terms p");
    assert_eq!(
        paragraphs,
        [
            "第1条 めぐり市の加盟店規約。",
            "第2条 <b>現金化</b>の禁止。"
        ]
    );
    assert!(terms.texts("section.terms ol li").is_empty());
    // Control characters are refused and change nothing.
    let r = admin.submit(
        "/admin/settings",
        "/admin/settings",
        &[
            ("city_name", &city),
            ("currency_name", &currency),
            ("color", &color),
            ("store_terms", "x\u{7}"),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(
        Html::parse(&b.get("/apply/terms").text())
            .text("section.terms")
            .contains("第2条")
    );
    s.verify();
}

#[test]
fn an_error_keeps_the_agreements_and_every_entry_with_the_reading_in_katakana() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    let r = b.submit(
        "/apply",
        "/apply",
        &with(
            application("kept@example.jp", "花屋はなだ"),
            &[("bank_code", "12"), ("name_kana", "はなや ﾌﾗﾜｰ")],
        ),
    );
    assert_eq!(r.status, 400);
    let text = r.text();
    assert!(
        text.contains(r#"name="pledge" value="1" required checked"#),
        "pledge kept"
    );
    assert!(
        text.contains(r#"name="terms" value="1" required checked"#),
        "terms kept"
    );
    let page = Html::parse(&text);
    for (name, want) in [
        ("name", "花屋はなだ"),
        ("name_kana", "ハナヤ フラワー"),
        ("address", "めぐり市本町3-3"),
        ("applicant_name", "花田 花子"),
        ("email", "kept@example.jp"),
        ("holder_kana", "ハナヤ"),
        ("account_number", "7654321"),
        ("bank_code", "12"),
    ] {
        assert_eq!(
            page.attrs(&format!("input[name={name}]"), "value"),
            [want],
            "{name}"
        );
    }
    // Without the pledge, the terms box stays ticked and the pledge does not.
    let r = b.submit(
        "/apply",
        "/apply",
        &with(
            application("kept@example.jp", "花屋はなだ"),
            &[("pledge", "")],
        ),
    );
    assert_eq!(r.status, 400);
    assert!(
        !r.text()
            .contains(r#"name="pledge" value="1" required checked"#)
    );
    assert!(
        r.text()
            .contains(r#"name="terms" value="1" required checked"#)
    );

    // Half-width katakana on the form: approved as full-width katakana.
    apply(&s, "kana@example.jp", &[("name_kana", "ﾊﾅﾀﾞ ﾊﾅﾔ")]);
    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let csrf = csrf_of(&office.get("/office/applications/1").text());
    let review = office.post_form(
        "/office/applications/1/decide",
        &[("csrf", &csrf), ("decision", "approve")],
    );
    assert_eq!(review.status, 200, "{}", review.text());
    let listed = s.api().get("/api/v1/stores").json();
    assert_eq!(listed["items"][0]["name_kana"], "ハナダ ハナヤ");
    // Hiragana through the API.
    let admin = s.admin();
    let r = s.as_(&admin).post(
        "/api/v1/stores",
        &json!({ "name": "喫茶ひだまり", "name_kana": "きっさ　ひだまり", "category": "飲食店", "address": "めぐり市中宿2" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        s.api().get(&format!("/api/v1/stores/{id}")).json()["name_kana"],
        "キッサ ヒダマリ"
    );
    s.verify();
}

#[test]
fn the_short_number_leads_to_the_status_page_and_a_wrong_one_does_not() {
    let s = Server::start();
    let receipt = apply(&s, "number@example.jp", &[]);
    let number = receipt.text("section.app-number #app-number");
    let shape = |n: &str| {
        n.len() == 9
            && n.as_bytes()[4] == b'-'
            && n.chars()
                .filter(|c| *c != '-')
                .all(|c| "23456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c))
    };
    assert!(shape(&number), "{number}");
    // The receipt's button and the mail lead by the number, never by a 64-character address.
    let link = receipt.attrs("a.button.primary", "href")[0].clone();
    assert_eq!(link, format!("/apply/status/{number}"));
    let api = s.api();
    assert_eq!(
        Html::parse(&api.get(&link).text()).text("dd.status"),
        "審査中"
    );
    let mails = crate::applications::outbox(&s, "number@example.jp");
    assert!(
        mails[0].1.contains(&format!("受付番号 {number}")),
        "{}",
        mails[0].1
    );
    assert!(mails[0].1.contains(&format!("/apply/status/{number}")));
    // Typed in lower case, without the hyphen, in full width: the same page.
    let lower = number.to_lowercase().replace('-', "");
    assert_eq!(api.get(&format!("/apply/status/{lower}")).status, 200);
    let r = api.get(&format!(
        "/apply/status?number={}",
        crate::support::enc(&number.to_lowercase())
    ));
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some(link.as_str()));
    let wide: String = number
        .chars()
        .map(|c| {
            if c == '-' {
                '－'
            } else {
                char::from_u32(c as u32 + 0xFEE0).unwrap()
            }
        })
        .collect();
    assert_eq!(
        api.get(&format!(
            "/apply/status?number={}",
            crate::support::enc(&wide)
        ))
        .status,
        303
    );
    // A wrong number (of the right shape), a malformed one: no status page.
    let first = number.chars().next().unwrap();
    let other = if first == '2' { '3' } else { '2' };
    let wrong = format!("{other}{}", &number[1..]);
    assert_eq!(api.get(&format!("/apply/status/{wrong}")).status, 404);
    let r = api.get(&format!("/apply/status?number={wrong}"));
    assert_eq!(r.status, 404);
    assert!(
        Html::parse(&r.text()).text(".alert").contains("申請"),
        "{}",
        r.text()
    );
    let r = api.get("/apply/status?number=ABC");
    assert_eq!(r.status, 404);
    assert!(Html::parse(&r.text()).text(".alert").contains("8文字"));
    assert_eq!(
        api.get("/apply/status/0000000000000000000000000000000000000000000000000000000000000000")
            .status,
        404
    );
    s.verify();
}

#[test]
fn the_office_is_asked_for_the_location_at_approval() {
    let s = Server::start();
    apply(&s, "placed@example.jp", &[]);
    apply(&s, "unplaced@example.jp", &[("name", "位置なし商店")]);
    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let review_text = office.get("/office/applications/1").text();
    let review = Html::parse(&review_text);
    assert!(review_text.contains(r#"id="pick-map""#), "a map to pick on");
    assert!(review_text.contains("/assets/pick.js"));
    assert!(review.text("fieldset.location legend").contains("位置"));
    assert!(
        review.text("fieldset.location").contains("めぐり市本町3-3"),
        "the address beside it"
    );
    let csrf = csrf_of(&review_text);
    // Half a location, or words: refused, typed values kept, still waiting.
    let r = office.post_form(
        "/office/applications/1/decide",
        &[
            ("csrf", &csrf),
            ("decision", "approve"),
            ("lat", "36.33"),
            ("lng", ""),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(Html::parse(&r.text()).text(".alert").contains("両方"));
    assert_eq!(
        Html::parse(&r.text()).attrs("input[name=lat]", "value"),
        ["36.33"]
    );
    let r = office.post_form(
        "/office/applications/1/decide",
        &[
            ("csrf", &csrf),
            ("decision", "approve"),
            ("lat", "north"),
            ("lng", "138"),
        ],
    );
    assert_eq!(r.status, 400);
    let r = office.post_form(
        "/office/applications/1/decide",
        &[
            ("csrf", &csrf),
            ("decision", "approve"),
            ("lat", "95"),
            ("lng", "138"),
        ],
    );
    assert_eq!(r.status, 400, "out of range");
    assert!(
        s.api().get("/api/v1/stores").json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Full-width digits are fine.
    let r = office.post_form(
        "/office/applications/1/decide",
        &[
            ("csrf", &csrf),
            ("decision", "approve"),
            ("lat", "３６.３３"),
            ("lng", "138.88"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let store = &s.api().get("/api/v1/stores").json()["items"][0];
    assert_eq!(
        (store["lat"].as_f64(), store["lng"].as_f64()),
        (Some(36.33), Some(138.88))
    );

    // Approved without a location: the clerk is told, with the way to set it later.
    let r = office.post_form(
        "/office/applications/2/decide",
        &[("csrf", &csrf), ("decision", "approve")],
    );
    assert_eq!(r.status, 200);
    let page = Html::parse(&r.text());
    let set = page.attrs(".notice a", "href");
    assert_eq!(set.len(), 1, "{}", r.text());
    let form = Html::parse(&office.get(&set[0]).text());
    assert_eq!(form.attrs("input[name=lat]", "value"), [""]);
    let csrf = csrf_of(&office.get(&set[0]).text());
    let r = office.post_form(
        &set[0],
        &[("csrf", &csrf), ("lat", "36.32"), ("lng", "138.89")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let id = set[0].split('/').nth(3).unwrap();
    let store = s.api().get(&format!("/api/v1/stores/{id}")).json();
    assert_eq!(
        (store["lat"].as_f64(), store["lng"].as_f64()),
        (Some(36.32), Some(138.89))
    );
    let audit = Html::parse(&office.get("/admin/audit").text()).texts("td");
    assert!(audit.iter().any(|t| t == "store.location"));
    s.verify();
}

#[test]
fn the_search_reads_pr_keyword_readings_and_addresses_and_the_lists_show_unplaced_stores() {
    let s = Server::start();
    let admin = s.admin();
    let make = |body: serde_json::Value| {
        let r = s.as_(&admin).post("/api/v1/stores", &body);
        assert_eq!(r.status, 201, "{}", r.text());
        r.json()["id"].as_i64().unwrap()
    };
    let greengrocer = make(
        json!({ "name": "めぐり青果店", "name_kana": "メグリセイカテン", "category": "食料品",
        "address": "めぐり市本町1-2-3", "pr": "朝どれトマトを毎日お届け", "keywords": ["野菜(やさい)", "果物"],
        "lat": 36.326, "lng": 138.887 }),
    );
    let cafe = make(
        json!({ "name": "喫茶ひだまり", "name_kana": "キッサヒダマリ", "category": "飲食店",
        "address": "さくら町2-5", "keywords": ["カフェ"] }),
    );
    let ids = |q: &str| -> Vec<i64> {
        s.api()
            .get(&format!("/api/v1/stores?q={}", crate::support::enc(q)))
            .json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    for q in [
        "とまと",
        "ﾄﾏﾄ",
        "やさい",
        "ヤサイ",
        "野菜",
        "サクラ町",
        "ｻｸﾗ",
        "ひだまり",
        "ｶﾌｪ",
        "めぐりせいか",
    ] {
        let want = if ["サクラ町", "ｻｸﾗ", "ひだまり", "ｶﾌｪ"].contains(&q) {
            cafe
        } else {
            greengrocer
        };
        assert_eq!(ids(q), [want], "{q}");
    }
    assert!(
        ids("てんきっさ").is_empty(),
        "no match across two stores' fields"
    );
    // The page searches the same way.
    let page = Html::parse(&s.api().get("/stores?q=%E3%81%A8%E3%81%BE%E3%81%A8").text());
    assert_eq!(page.texts("ul.stores li strong"), ["めぐり青果店"]);

    // The list shows both and marks the one without a location.
    let list = Html::parse(&s.api().get("/stores").text());
    assert_eq!(
        list.texts("ul.stores li strong"),
        ["めぐり青果店", "喫茶ひだまり"]
    );
    assert_eq!(list.texts("ul.stores li .no-location").len(), 1);
    assert!(list.texts("ul.stores li")[1].contains("位置未登録"));
    // The map page lists, under the map, the store that is not on it.
    let map = Html::parse(&s.api().get("/stores/map").text());
    assert_eq!(map.texts("ul.stores.placed li strong"), ["めぐり青果店"]);
    assert_eq!(map.texts("#no-location ul li strong"), ["喫茶ひだまり"]);
    assert!(map.text("#no-location h2").contains("位置未登録"));
    assert!(map.text("#map-tiles-failed").contains("地図"));
    s.verify();
}

/// The clerk taps the map at approval and the store gets that location; the map's tiles
/// come from an address that refuses connections, and the map says so.
#[test]
fn picking_the_location_on_the_map_and_tiles_that_cannot_load() {
    // Port 9 (discard) on the loopback: nothing listens, connections are refused.
    let s = Server::start_with(&[
        "--sandbox",
        "--map-tiles",
        "http://127.0.0.1:9/{z}/{x}/{y}.png",
    ]);
    apply(&s, "tap@example.jp", &[]);
    let d = Driver::start();
    let b = d.session();
    b.go(&format!("http://{}/login", s.addr));
    b.type_in("#f-login", &s.admin_login);
    b.type_in("#f-password", &s.admin_otp);
    b.click("button.primary");
    b.find("#f-new");
    b.type_in("#f-current", &s.admin_otp);
    b.type_in("#f-new", "admin-pass-5678");
    b.type_in("#f-again", "admin-pass-5678");
    b.click("button.primary");
    b.find("nav");
    b.go(&format!("http://{}/office/applications/1", s.addr));
    let shown = |id: &str| {
        b.run_until_done(&format!(
            "const done = arguments[0]; const t0 = Date.now();
             (function poll() {{ const e = document.getElementById('{id}');
               if (e && !e.hidden) done(true); else if (Date.now() - t0 > 10000) done(false);
               else setTimeout(poll, 50); }})();"
        ))
    };
    assert_eq!(shown("pick-map"), true, "the map shows");
    assert_eq!(
        shown("pick-tiles-failed"),
        true,
        "tiles that cannot load are said so"
    );
    assert!(
        b.text("#pick-tiles-failed")
            .contains("地図の画像を読み込めませんでした")
    );
    b.screenshot("approval-location-tiles-failed");
    assert_eq!(b.value("#f-lat"), "");
    b.click("#pick-map");
    let (lat, lng) = (b.value("#f-lat"), b.value("#f-lng"));
    assert!(
        lat.parse::<f64>().is_ok() && lng.parse::<f64>().is_ok(),
        "{lat} {lng}"
    );
    b.screenshot("approval-location-picked");
    b.click("button[value=approve]");
    b.find(".notice dd code");
    let store = &s.api().get("/api/v1/stores").json()["items"][0];
    assert_eq!(store["lat"].as_f64(), lat.parse::<f64>().ok());
    assert_eq!(store["lng"].as_f64(), lng.parse::<f64>().ok());

    // The public map: the store is on it, the tiles cannot load, and it says so.
    b.go(&format!("http://{}/stores/map", s.addr));
    assert_eq!(shown("map"), true);
    assert_eq!(shown("map-tiles-failed"), true);
    b.screenshot("store-map-tiles-failed");
    s.verify();
}
