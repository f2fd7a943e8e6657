//! The store's till: live feed and takings, taking a payment by a customer's code,
//! refunds, the day's CSV; one store never sees another's payments.

use serde_json::json;

use crate::counter::{
    confirm_fields, cpm_confirmation, follow, press, refund_by_pages, refund_confirmation,
};
use crate::support::{Browser, Html, Server, csrf_of};

#[test]
fn till_cpm_refund_and_csv() {
    let s = Server::start();
    s.set_clock("2024-12-01T10:00:00+09:00");
    let (_, code, _) = s.store("めぐり青果店", "seika");
    s.store("別の店", "other");
    let (id, resident) = s.resident("hanako");
    s.as_(&resident).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 5000, "method": "credit_card" }),
    );
    let mut shop = Browser::new(&s);
    shop.login("seika", "password-1234");
    let till = Html::parse(&shop.get("/shop/till").text());
    assert_eq!(till.text("#takings"), "0円");
    let after = till.attrs("#feed", "data-after")[0].clone();

    // A resident pays by the store's QR: the feed has it.
    let p = s.as_(&resident).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 1280 }),
    );
    assert_eq!(p.status, 201);
    let feed: serde_json::Value =
        serde_json::from_str(&shop.get(&format!("/shop/feed?after={after}")).text()).unwrap();
    assert_eq!(feed["items"].as_array().unwrap().len(), 1);
    assert_eq!(feed["items"][0]["amount"], 1280);
    assert!(
        feed["items"][0]["html"]
            .as_str()
            .unwrap()
            .contains("1,280円")
    );

    // The store takes a payment from the customer's code.
    let token = s.as_(&resident).get("/api/v1/me/qr-token").json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let confirm = cpm_confirmation(&mut shop, &token.to_lowercase(), "700");
    let fields = confirm_fields(&confirm);
    let r = press(&mut shop, "/shop/cpm", &fields);
    let r = follow(&mut shop, &r);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        Html::parse(&r.text()).text("section.done p.amount"),
        "700円"
    );
    let again = press(&mut shop, "/shop/cpm", &fields);
    assert_eq!(
        again.status, 303,
        "a double tap answers the same and charges once"
    );
    let used = cpm_confirmation(&mut shop, &token, "700");
    let used = press(&mut shop, "/shop/cpm", &confirm_fields(&used));
    assert_eq!(used.status, 409);
    assert!(
        Html::parse(&used.text())
            .text(".alert")
            .contains("使用済み")
    );
    assert_eq!(
        s.as_(&resident).get("/api/v1/me/balance").json()["total"],
        5000 - 1280 - 700
    );

    let till = Html::parse(&shop.get("/shop/till").text());
    assert_eq!(till.text("#takings"), "1,980円");
    assert_eq!(till.texts("#feed li").len(), 2);

    // A partial refund from the payment's page, confirmed.
    let pid = p.json()["payment_id"].as_i64().unwrap();
    let detail = shop.get(&format!("/shop/payments/{pid}"));
    let open = Html::parse(&detail.text()).attrs("input[name=open]", "value")[0].clone();
    let csrf = csrf_of(&detail.text());
    let r = refund_by_pages(&mut shop, pid, "280");
    let r = follow(&mut shop, &r);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("280円を返金しました"));
    // Back to the page as it was and sent again: refused, because the payment changed
    // since that page was opened.
    let stale = shop.post_form(
        &format!("/shop/payments/{pid}/refund/confirm"),
        &[
            ("csrf", csrf.as_str()),
            ("open", open.as_str()),
            ("amount", "280"),
        ],
    );
    assert_eq!(stale.status, 409, "{}", stale.text());
    assert!(
        stale
            .text()
            .contains("この画面を開いた後に返金がありました")
    );
    assert!(
        Html::parse(&r.text())
            .texts("dl.confirm dd")
            .contains(&"280円".to_owned())
    );
    let r = refund_confirmation(&mut shop, pid, "5000");
    assert_eq!(r.status, 422);
    assert_eq!(
        s.as_(&resident).get("/api/v1/me/balance").json()["total"],
        5000 - 1280 - 700 + 280
    );

    // Past days: the history page for a date.
    let day = Html::parse(&shop.get("/shop/history?date=2024-12-01").text());
    assert_eq!(day.texts("ul.feed li").len(), 2);
    assert!(
        day.text("p.lead").contains("1,700円"),
        "{}",
        day.text("p.lead")
    );
    assert_eq!(
        Html::parse(&shop.get("/shop/history?date=2024-11-30").text())
            .texts("ul.feed li")
            .len(),
        0
    );
    assert_eq!(shop.get("/shop/history?date=yesterday").status, 400);

    // The day's CSV.
    let csv = shop.get("/shop/payments.csv?date=2024-12-01").text();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(
        lines[1].ends_with(",QR支払い,1280,280,1000,1000"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].ends_with(",コード読取,700,0,700,700"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], "合計,2件,,1980,280,1700,1700");

    // Another store sees none of it.
    let mut other = Browser::new(&s);
    other.login("other", "password-1234");
    assert_eq!(
        Html::parse(&other.get("/shop/till").text())
            .texts("#feed li")
            .len(),
        0
    );
    assert_eq!(other.get(&format!("/shop/payments/{pid}")).status, 404);
    s.verify();
}

#[test]
fn the_owner_manages_staff_logins() {
    let s = Server::start();
    s.store("めぐり青果店", "seika-owner");
    let mut owner = Browser::new(&s);
    owner.login("seika-owner", "password-1234");
    let r = owner.submit("/shop/staff", "/shop/staff", &[("login", "seika-part")]);
    assert_eq!(r.status, 201, "{}", r.text());
    let otp = Html::parse(&r.text()).text("code.secret");
    let r = owner.submit("/shop/staff", "/shop/staff", &[("login", "seika-part")]);
    assert_eq!(r.status, 409, "logins are unique");

    // The new staff member works the till but may not manage staff.
    let mut part = Browser::new(&s);
    assert_eq!(part.login("seika-part", &otp), "/password");
    part.submit(
        "/password",
        "/password",
        &[
            ("current", &otp),
            ("new", "part-password-1"),
            ("again", "part-password-1"),
        ],
    );
    assert_eq!(part.get("/shop/till").status, 200);
    assert_eq!(part.get("/shop/staff").status, 403);

    // The owner stops the login: the session ends and logging in fails.
    let page = Html::parse(&owner.get("/shop/staff").text());
    let action = page.attrs("form[action$='/remove']", "action")[0].clone();
    let csrf = csrf_of(&owner.get("/shop/staff").text());
    assert_eq!(owner.post_form(&action, &[("csrf", &csrf)]).status, 303);
    assert_eq!(part.get("/shop/till").status, 303, "logged out");
    let mut again = Browser::new(&s);
    let r = again.submit(
        "/login",
        "/login",
        &[("login", "seika-part"), ("password", "part-password-1")],
    );
    assert_eq!(r.status, 401);
    // Another store's owner cannot touch this store's staff.
    s.store("別の店", "other-owner");
    let mut other = Browser::new(&s);
    other.login("other-owner", "password-1234");
    let csrf = csrf_of(&other.get("/shop/staff").text());
    let own_id: String = action.split('/').nth(3).unwrap().to_owned();
    assert_eq!(
        other
            .post_form(&format!("/shop/staff/{own_id}/remove"), &[("csrf", &csrf)])
            .status,
        404
    );
    s.verify();
}

/// A staff login (not the owner) that `owner` adds to its store, logged in.
fn staff_member<'a>(s: &'a Server, owner: &str, login: &str) -> Browser<'a> {
    let mut b = Browser::new(s);
    b.login(owner, "password-1234");
    let r = b.submit("/shop/staff", "/shop/staff", &[("login", login)]);
    assert_eq!(r.status, 201, "{}", r.text());
    let otp = Html::parse(&r.text()).text("code.secret");
    let mut part = Browser::new(s);
    assert_eq!(part.login(login, &otp), "/password");
    let new = [
        ("current", otp.as_str()),
        ("new", "part-password-1"),
        ("again", "part-password-1"),
    ];
    assert_eq!(part.submit("/password", "/password", &new).status, 200);
    part
}

#[test]
fn only_the_owner_asks_for_profile_changes_or_removal() {
    let s = Server::start();
    s.store("めぐり青果店", "seika-owner");
    let mut part = staff_member(&s, "seika-owner", "seika-part");
    // The page shows the profile but offers none of the owner's forms.
    let page = Html::parse(&part.get("/shop/profile").text());
    for form in ["/shop/profile", "/shop/removal", "/shop/photo"] {
        assert!(
            page.attrs(&format!("form[action='{form}']"), "action")
                .is_empty(),
            "{form} is offered"
        );
    }
    assert!(
        page.text(".notice").contains("責任者"),
        "{}",
        page.text("main")
    );
    assert!(page.text("main").contains("めぐり青果店"));
    // Posted anyway: refused with a message, and nothing is filed.
    let csrf = csrf_of(&part.get("/shop/profile").text());
    let r = part.post_form("/shop/removal", &[("csrf", &csrf), ("note", "閉店します")]);
    assert_eq!(r.status, 403);
    assert!(Html::parse(&r.text()).text(".alert").contains("責任者"));
    let r = part.post_form(
        "/shop/profile",
        &[
            ("csrf", &csrf),
            ("name", "のっとり商店"),
            ("name_kana", "ノットリ"),
            ("category", "食料品"),
            ("address", "めぐり市本町1-1"),
        ],
    );
    assert_eq!(r.status, 403);
    assert!(Html::parse(&r.text()).text(".alert").contains("責任者"));
    let mut office = Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut office);
    let queue = Html::parse(&office.get("/office/store-requests").text());
    assert!(
        queue.attrs("form[action$='/decide']", "action").is_empty(),
        "nothing was filed"
    );
    // The owner may.
    let mut owner = Browser::new(&s);
    owner.login("seika-owner", "password-1234");
    let r = owner.submit("/shop/profile", "/shop/removal", &[("note", "閉店します")]);
    assert_eq!(r.status, 200, "{}", r.text());
    let queue = Html::parse(&office.get("/office/store-requests").text());
    assert_eq!(queue.attrs("form[action$='/decide']", "action").len(), 1);
    s.verify();
}

#[test]
fn profile_changes_and_removal_wait_for_the_secretariat() {
    let s = Server::start();
    let (store, code, _) = s.store("めぐり青果店", "seika");
    let mut shop = Browser::new(&s);
    shop.login("seika", "password-1234");
    let page = Html::parse(&shop.get("/shop/profile").text());
    assert_eq!(
        page.attrs("input[name=name]", "value"),
        vec!["めぐり青果店"]
    );
    let r = shop.submit(
        "/shop/profile",
        "/shop/profile",
        &[
            ("name", "めぐり青果店"),
            ("name_kana", "メグリセイカテン"),
            ("category", "食料品"),
            ("address", "めぐり市本町1-1"),
            ("hours", "8:00〜20:00"),
            ("accepts", "money"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = shop.submit(
        "/shop/profile",
        "/shop/profile",
        &[
            ("name", ""),
            ("name_kana", "x"),
            ("category", "食料品"),
            ("address", "x"),
        ],
    );
    assert_eq!(r.status, 400);
    // Not shown until approved.
    let public = || s.api().get(&format!("/api/v1/stores/{store}")).json();
    assert!(public()["hours"].is_null());
    let mut office = Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut office);
    let queue = office.get("/office/store-requests");
    let action = Html::parse(&queue.text()).attrs("form[action$='/decide']", "action")[0].clone();
    let csrf = csrf_of(&queue.text());
    assert_eq!(
        office
            .post_form(&action, &[("csrf", &csrf), ("decision", "approve")])
            .status,
        303
    );
    assert_eq!(public()["hours"], "8:00〜20:00");
    assert_eq!(
        office
            .post_form(&action, &[("csrf", &csrf), ("decision", "approve")])
            .status,
        409
    );

    // Removal: asked by the store, rejected once with a reason, then approved.
    let r = shop.submit("/shop/profile", "/shop/removal", &[("note", "閉店のため")]);
    assert_eq!(r.status, 200);
    let queue = office.get("/office/store-requests");
    let action = Html::parse(&queue.text()).attrs("form[action$='/decide']", "action")[0].clone();
    let csrf = csrf_of(&queue.text());
    assert_eq!(
        office
            .post_form(
                &action,
                &[("csrf", &csrf), ("decision", "reject"), ("reason", "")]
            )
            .status,
        400
    );
    assert_eq!(
        office
            .post_form(
                &action,
                &[
                    ("csrf", &csrf),
                    ("decision", "reject"),
                    ("reason", "精算の完了後に手続きします")
                ]
            )
            .status,
        303
    );
    assert!(
        shop.get("/shop/profile")
            .text()
            .contains("精算の完了後に手続きします")
    );
    shop.submit("/shop/profile", "/shop/removal", &[("note", "閉店のため")]);
    let queue = office.get("/office/store-requests");
    let action = Html::parse(&queue.text()).attrs("form[action$='/decide']", "action")[0].clone();
    let csrf = csrf_of(&queue.text());
    assert_eq!(
        office
            .post_form(&action, &[("csrf", &csrf), ("decision", "approve")])
            .status,
        303
    );
    let (id, token) = s.resident("late-customer");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 500, "method": "credit_card" }),
    );
    assert_eq!(
        s.as_(&token)
            .post(
                "/api/v1/payments",
                &json!({ "store_code": code, "amount": 100 })
            )
            .status,
        404,
        "a removed store takes nothing"
    );
    s.verify();
}

#[test]
fn device_subsidy_once_per_store_up_to_20000_with_a_receipt() {
    let s = Server::start();
    s.store("めぐり青果店", "seika");
    let mut shop = Browser::new(&s);
    shop.login("seika", "password-1234");
    let r = shop.submit(
        "/shop/device",
        "/shop/device",
        &[("item", "タブレット"), ("amount", "25000")],
    );
    assert_eq!(r.status, 422, "over 20,000 yen");
    let r = shop.submit(
        "/shop/device",
        "/shop/device",
        &[("item", "タブレット"), ("amount", "18,000")],
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let csrf = csrf_of(&shop.get("/shop/device").text());
    let r = shop.post_form(
        "/shop/device",
        &[("csrf", &csrf), ("item", "もう一台"), ("amount", "1000")],
    );
    assert_eq!(r.status, 409, "one per store");
    // A receipt only after approval.
    let pdf = b"%PDF-1.4\n% receipt\n".to_vec();
    let r = shop.post_multipart(
        "/shop/device/receipt",
        &[("csrf", &csrf)],
        &[("receipt", "r.pdf", "application/pdf", &pdf)],
    );
    assert_eq!(r.status, 409);
    let mut office = Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut office);
    let page = office.get("/office/devices");
    let action = Html::parse(&page.text()).attrs("form[action$='/decide']", "action")[0].clone();
    assert_eq!(
        office
            .post_form(
                &action,
                &[("csrf", &csrf_of(&page.text())), ("decision", "approve")]
            )
            .status,
        303
    );
    let csrf = csrf_of(&shop.get("/shop/device").text());
    let r = shop.post_multipart(
        "/shop/device/receipt",
        &[("csrf", &csrf)],
        &[("receipt", "r.exe", "application/octet-stream", b"MZ...")],
    );
    assert_eq!(r.status, 400, "not a photo or PDF");
    let r = shop.post_multipart(
        "/shop/device/receipt",
        &[("csrf", &csrf)],
        &[("receipt", "r.pdf", "application/pdf", &pdf)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // The city's list and the receipt itself.
    let csv = office.get("/office/devices.csv").text();
    assert!(csv.contains("めぐり青果店,タブレット,18000,1"), "{csv}");
    let id = action.split('/').nth(3).unwrap();
    let receipt = office.get(&format!("/office/devices/{id}/receipt"));
    assert_eq!(
        (receipt.status, receipt.header("content-type")),
        (200, Some("application/pdf"))
    );
    assert_eq!(receipt.body, pdf);
    assert_eq!(
        shop.get(&format!("/office/devices/{id}/receipt")).status,
        403
    );
    s.verify();
}

#[test]
fn the_owner_sets_the_store_photo_the_directory_shows_it_and_the_office_can_take_it_down() {
    let s = Server::start();
    let (id, _, _) = s.store("写真の店", "photo-owner");
    let mut shop = Browser::new(&s);
    shop.login("photo-owner", "password-1234");
    let csrf = csrf_of(&shop.get("/shop/profile").text());
    let upload = |shop: &mut Browser, name: &str, bytes: &[u8]| {
        shop.post_multipart(
            "/shop/photo",
            &[("csrf", csrf.as_str())],
            &[("photo", name, "image/png", bytes)],
        )
    };
    // Not a picture (whatever its name says), or too large: refused, nothing shown.
    let r = upload(&mut shop, "shop.png", b"<svg onload=alert(1)></svg>");
    assert_eq!(r.status, 400);
    assert!(Html::parse(&r.text()).text(".alert").contains("PNGかJPEG"));
    let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
    big.resize(850 * 1024, 0);
    let r = upload(&mut shop, "big.png", &big);
    assert_eq!(r.status, 400);
    assert!(Html::parse(&r.text()).text(".alert").contains("800KB"));
    assert!(s.api().get(&format!("/api/v1/stores/{id}")).json()["photo_url"].is_null());

    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR-a-photo".to_vec();
    let r = upload(&mut shop, "shop.png", &png);
    assert_eq!(r.status, 200, "{}", r.text());
    let page = Html::parse(&shop.get(&format!("/stores/{id}")).text());
    let src = page.attrs("img.store-photo", "src")[0].clone();
    assert!(src.starts_with(&format!("/stores/{id}/photo?v=")), "{src}");
    assert_eq!(
        s.api().get(&format!("/api/v1/stores/{id}")).json()["photo_url"],
        src.as_str()
    );
    let photo = s.api().get(&src);
    assert_eq!(photo.status, 200);
    assert_eq!(photo.header("content-type"), Some("image/png"));
    assert_eq!(photo.body, png);

    // The secretariat takes it down.
    let mut office = Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut office);
    let r = office.submit(
        "/office/stores",
        &format!("/office/stores/{id}/photo/remove"),
        &[],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(s.api().get(&src).status, 404);
    assert!(
        Html::parse(&shop.get(&format!("/stores/{id}")).text())
            .attrs("img.store-photo", "src")
            .is_empty()
    );
    let audit = office.get("/admin/audit").text();
    assert!(audit.contains("お店の写真を取り下げ") && audit.contains("お店の写真を変更"));
    s.verify();
}
