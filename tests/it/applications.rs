//! A shop applies on the web, the secretariat approves, the shop logs in with the
//! one-time password from the mail and takes payments; rejections carry a reason.

use serde_json::json;

use crate::accounts::admin_logged_in;
use crate::support::{Browser, Html, Server, csrf_of};

pub fn application<'a>(email: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("name_kana", "ハナヤ"),
        ("category", "その他"),
        ("postal_code", "３７９－０１９２"),
        ("address", "めぐり市本町3-3"),
        ("phone", "027-382-9999"),
        ("keywords", "花、フラワー"),
        ("accepts", "money"),
        ("bank_code", "0001"),
        ("branch_code", "123"),
        ("account_type", "ordinary"),
        ("account_number", "7654321"),
        ("holder_kana", "ハナヤ"),
        ("applicant_name", "花田 花子"),
        ("email", email),
        ("pledge", "1"),
        ("terms", "1"),
    ]
}

/// Unsent mails to `to` as (subject, body), read the way the SMTP relay reads them.
pub fn outbox(s: &Server, to: &str) -> Vec<(String, String)> {
    let out = crate::support::meguri(&["mail", "list", "--db", s.db_arg()]);
    assert!(out.status.success(), "{out:?}");
    crate::support::stdout(&out)
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

#[test]
fn apply_approve_log_in_and_take_payments() {
    let s = Server::start();
    let mut shop = Browser::new(&s);
    // Missing the pledge or with a malformed bank code: refused, with the entries kept.
    let mut no_pledge = application("hanaya@example.jp", "花屋はなだ");
    no_pledge.retain(|(k, _)| *k != "pledge");
    let r = shop.submit("/apply", "/apply", &no_pledge);
    assert_eq!(r.status, 400);
    assert!(Html::parse(&r.text()).text(".alert").contains("誓約"));
    let mut bad_bank = application("hanaya@example.jp", "花屋はなだ");
    bad_bank.retain(|(k, _)| *k != "bank_code");
    bad_bank.push(("bank_code", "12"));
    let r = shop.submit("/apply", "/apply", &bad_bank);
    assert_eq!(r.status, 400);
    let page = Html::parse(&r.text());
    assert!(page.text(".alert").contains("金融機関コード"));
    assert_eq!(page.attrs("input[name=name]", "value"), vec!["花屋はなだ"]);

    let mut bad_postal = application("hanaya@example.jp", "花屋はなだ");
    bad_postal.retain(|(k, _)| *k != "postal_code");
    bad_postal.push(("postal_code", "12-345"));
    let r = shop.submit("/apply", "/apply", &bad_postal);
    assert_eq!(r.status, 400);
    assert!(Html::parse(&r.text()).text(".alert").contains("郵便番号"));
    let r = shop.submit(
        "/apply",
        "/apply",
        &application("hanaya@example.jp", "花屋はなだ"),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let again = shop.submit(
        "/apply",
        "/apply",
        &application("hanaya@example.jp", "花屋はなだ"),
    );
    assert_eq!(
        again.status, 409,
        "one application under review per address"
    );
    let status_url = Html::parse(&r.text()).attrs("a.button.primary", "href")[0].clone();
    assert_eq!(
        Html::parse(&shop.get(&status_url).text()).text("dd.status"),
        "審査中"
    );
    assert_eq!(outbox(&s, "hanaya@example.jp").len(), 1, "a receipt mail");
    // Not yet in the directory.
    assert!(
        s.api().get("/api/v1/stores").json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The secretariat approves.
    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let queue = Html::parse(&office.get("/office/applications").text());
    let link = queue.attrs("ul.notice-list a", "href")[0].clone();
    let review = office.get(&link);
    let csrf = csrf_of(&review.text());
    let r = office.post_form(
        &format!("{link}/decide"),
        &[("csrf", &csrf), ("decision", "approve"), ("reason", "")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // The clerk sees the new owner's login: named after the store, not the mail address.
    let shown = Html::parse(&r.text()).text(".notice dd code");
    assert!(
        shown.starts_with('s') && shown.ends_with("-owner") && !shown.contains('@'),
        "{shown}"
    );
    assert_eq!(
        office
            .post_form(
                &format!("{link}/decide"),
                &[("csrf", &csrf), ("decision", "approve")]
            )
            .status,
        409
    );
    assert_eq!(
        Html::parse(&shop.get(&status_url).text()).text("dd.status"),
        "承認"
    );
    let mails = outbox(&s, "hanaya@example.jp");
    assert_eq!(mails.len(), 2);
    let mailed = |prefix: &str| {
        mails[1]
            .1
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap()
            .to_owned()
    };
    let (login, otp) = (mailed("ログインID: "), mailed("仮パスワード: "));
    assert_eq!(login, shown, "the mail tells the same login");
    let stores = s.api().get("/api/v1/stores").json();
    assert_eq!(stores["items"][0]["name"], "花屋はなだ");
    assert_eq!(stores["items"][0]["address"], "〒379-0192 めぐり市本町3-3");

    // The shop logs in with the mailed one-time password, chooses its own, takes a payment.
    assert_eq!(shop.login(&login, &otp), "/password");
    let r = shop.submit(
        "/password",
        "/password",
        &[
            ("current", &otp),
            ("new", "hanaya-pass-1"),
            ("again", "hanaya-pass-1"),
        ],
    );
    assert_eq!(r.status, 200);
    let menu = Html::parse(&shop.get("/shop").text());
    let code = menu.text("p.code-text code");
    let (id, token) = s.resident("customer");
    s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": id, "amount": 2000, "method": "credit_card" }),
    );
    assert_eq!(
        s.as_(&token)
            .post(
                "/api/v1/payments",
                &json!({ "store_code": code, "amount": 880 })
            )
            .status,
        201
    );
    assert_eq!(
        Html::parse(&shop.get("/shop/till").text()).text("#takings"),
        "880円"
    );
    s.verify();
}

#[test]
fn an_owner_login_someone_already_took_gets_another_name() {
    let s = Server::start();
    // The first store will be number 1; someone registered its owner's usual login.
    s.resident("s1-owner");
    let mut b = Browser::new(&s);
    b.submit("/apply", "/apply", &application("taken@example.jp", "店T"));
    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let csrf = csrf_of(&office.get("/office/applications/1").text());
    let r = office.post_form(
        "/office/applications/1/decide",
        &[("csrf", &csrf), ("decision", "approve")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let login = Html::parse(&r.text()).text(".notice dd code");
    assert!(login.starts_with("s1-owner-") && login.len() > 9, "{login}");
    s.verify();
}

#[test]
fn rejections_and_requests_for_changes_carry_a_reason() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    b.submit("/apply", "/apply", &application("a@example.jp", "店A"));
    b.submit("/apply", "/apply", &application("b@example.jp", "店B"));
    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let csrf = csrf_of(&office.get("/office/applications/1").text());
    let r = office.post_form(
        "/office/applications/1/decide",
        &[("csrf", &csrf), ("decision", "reject"), ("reason", "")],
    );
    assert_eq!(r.status, 400, "a reason is required");
    let r = office.post_form(
        "/office/applications/1/decide",
        &[
            ("csrf", &csrf),
            ("decision", "reject"),
            ("reason", "市外の店舗のため"),
        ],
    );
    assert_eq!(r.status, 200);
    let r = office.post_form(
        "/office/applications/2/decide",
        &[
            ("csrf", &csrf),
            ("decision", "changes"),
            ("reason", "口座名義を確認してください"),
        ],
    );
    assert_eq!(r.status, 200);
    assert!(outbox(&s, "a@example.jp")[1].1.contains("市外の店舗のため"));
    assert!(
        outbox(&s, "b@example.jp")[1]
            .1
            .contains("口座名義を確認してください")
    );
    assert!(
        s.api().get("/api/v1/stores").json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Without a valid form token nothing is decided.
    let r = office.post_form("/office/applications/1/decide", &[("decision", "approve")]);
    assert_eq!(r.status, 403);
    s.verify();
}

#[test]
fn the_mail_outbox_is_drained_from_the_command_line() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    b.submit("/apply", "/apply", &application("relay@example.jp", "店R"));
    let out = crate::support::meguri(&["mail", "list", "--db", s.db_arg()]);
    let lines: Vec<serde_json::Value> = crate::support::stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["to"], "relay@example.jp");
    let id = lines[0]["id"].to_string();
    assert!(
        crate::support::meguri(&["mail", "sent", "--db", s.db_arg(), &id])
            .status
            .success()
    );
    assert!(
        crate::support::stdout(&crate::support::meguri(&[
            "mail",
            "list",
            "--db",
            s.db_arg()
        ]))
        .is_empty()
    );
    assert_eq!(
        crate::support::meguri(&["mail", "sent", "--db", s.db_arg(), &id])
            .status
            .code(),
        Some(1)
    );
    s.verify();
}

#[test]
fn the_citys_store_list_imports_from_excel_and_csv_all_or_nothing() {
    let s = Server::start();
    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let upload = |b: &mut Browser, name: &str| {
        let csrf = csrf_of(&b.get("/office/stores/import").text());
        let bytes = std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        b.post_multipart(
            "/office/stores/import",
            &[("csrf", &csrf)],
            &[("file", name, "application/octet-stream", &bytes)],
        )
    };
    // A file with a nameless row: every row shown, that one marked, nothing imported.
    let r = upload(&mut office, "stores.xlsx");
    assert_eq!(r.status, 400, "{}", r.text());
    let page = Html::parse(&r.text());
    assert_eq!(page.texts("tbody tr").len(), 3);
    assert!(page.text("tr.bad strong.error").contains("店名"));
    assert!(
        page.attrs("input[name=rows]", "value").is_empty(),
        "no import button"
    );
    assert!(
        s.api().get("/api/v1/stores").json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A clean Excel file: preview, then import.
    let r = upload(&mut office, "stores-good.xlsx");
    assert_eq!(r.status, 200, "{}", r.text());
    let rows = Html::parse(&r.text()).attrs("input[name=rows]", "value")[0].clone();
    let csrf = csrf_of(&r.text());
    let r = office.post_form(
        "/office/stores/import/confirm",
        &[("csrf", &csrf), ("rows", &rows)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(Html::parse(&r.text()).text(".notice").contains("新規 2"));
    let names = |q: &str| -> Vec<String> {
        s.api()
            .get(&format!("/api/v1/stores?q={}", crate::support::enc(q)))
            .json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("かりや"), vec!["刈谷ベーカリー"]);
    assert_eq!(names("abc"), vec!["ＡＢＣ書店"]);

    // The CSV re-import updates K-001 by its key and adds K-004.
    let r = upload(&mut office, "stores.csv");
    assert_eq!(r.status, 200, "{}", r.text());
    let page = Html::parse(&r.text());
    assert!(page.texts("tr.bad").is_empty());
    let rows = page.attrs("input[name=rows]", "value")[0].clone();
    let csrf = csrf_of(&r.text());
    let r = office.post_form(
        "/office/stores/import/confirm",
        &[("csrf", &csrf), ("rows", &rows)],
    );
    assert!(
        Html::parse(&r.text()).text(".notice").contains("新規 1"),
        "{}",
        r.text()
    );
    assert_eq!(names("かりや"), vec!["刈谷ベーカリー 本店"]);
    assert_eq!(names("さくら"), vec!["喫茶 \"さくら\""]);
    assert_eq!(
        s.api().get("/api/v1/stores").json()["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // Tampered rows coming back are checked again, and refused whole.
    let bad = rows.replace("刈谷ベーカリー 本店", "");
    let r = office.post_form(
        "/office/stores/import/confirm",
        &[("csrf", &csrf), ("rows", &bad)],
    );
    assert_eq!(r.status, 400);
    assert_eq!(names("かりや"), vec!["刈谷ベーカリー 本店"]);
    // A table with the wrong headings.
    let csrf = csrf_of(&office.get("/office/stores/import").text());
    let wrong = "\u{feff}番号,名前\r\n1,店\r\n".as_bytes().to_vec();
    let r = office.post_multipart(
        "/office/stores/import",
        &[("csrf", &csrf)],
        &[("file", "w.csv", "text/csv", &wrong)],
    );
    assert_eq!(r.status, 400);
    assert!(
        Html::parse(&r.text()).text(".alert").contains("管理番号"),
        "{}",
        r.text()
    );
    // Not a table at all.
    let csrf = csrf_of(&office.get("/office/stores/import").text());
    let r = office.post_multipart(
        "/office/stores/import",
        &[("csrf", &csrf)],
        &[(
            "file",
            "x.xlsx",
            "application/octet-stream",
            b"PK\x03\x04junk",
        )],
    );
    assert_eq!(r.status, 400);
    s.verify();
}

/// The postal code fills the address in (Japan Post's data), nothing submitted; a code
/// that names nothing says so and keeps what was typed.
#[test]
fn the_postal_code_fills_in_the_address() {
    let s = Server::start();
    let mut shop = Browser::new(&s);
    let mut form = application("postal@example.jp", "郵便花屋");
    form.retain(|(k, _)| *k != "address" && *k != "postal_code");
    form.push(("postal_code", "１００－０００１"));
    form.push(("address", ""));
    form.push(("fill", "address"));
    let r = shop.submit("/apply", "/apply", &form);
    assert_eq!(r.status, 200, "{}", r.text());
    let page = Html::parse(&r.text());
    assert_eq!(page.attrs("#f-address", "value"), ["東京都千代田区千代田"]);
    assert_eq!(
        page.attrs("#f-name", "value"),
        ["郵便花屋"],
        "the rest is kept"
    );
    assert!(r.text().contains("番地と建物名を続けて"));
    assert!(
        page.attrs("#app-number", "id").is_empty(),
        "nothing was sent"
    );

    form.retain(|(k, _)| *k != "postal_code");
    form.push(("postal_code", "000-0000"));
    let r = shop.submit("/apply", "/apply", &form);
    assert_eq!(r.status, 400);
    assert!(r.text().contains("この郵便番号の住所は見つかりません"));
    s.verify();
}
