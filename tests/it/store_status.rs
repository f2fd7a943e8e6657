//! A store's status as the secretariat sets it on its page: only the known statuses are
//! taken, a suspended store takes no payment (whichever code is scanned) and gives no
//! refund until it is reinstated, and a removed one neither.

use serde_json::json;

use crate::accounts::admin_logged_in;
use crate::support::{Browser, Html, Resp, Server, csrf_of};

/// A store and its merchant, a resident holding 2000 yen, and the secretariat logged in
/// on the stores page.
struct Scene<'a> {
    s: &'a Server,
    store: i64,
    code: String,
    merchant: String,
    resident: String,
    office: Browser<'a>,
    csrf: String,
}

impl<'a> Scene<'a> {
    fn new(s: &'a Server) -> Scene<'a> {
        let (store, code, merchant) = s.store("違反のあった店", "ihan");
        let (id, resident) = s.resident("buyer");
        s.as_(&resident).post(
            "/api/v1/charges",
            &json!({ "resident_id": id, "amount": 2000, "method": "credit_card" }),
        );
        let mut office = Browser::new(s);
        admin_logged_in(s, &mut office);
        let csrf = csrf_of(&office.get("/office/stores").text());
        Scene {
            s,
            store,
            code,
            merchant,
            resident,
            office,
            csrf,
        }
    }

    /// The secretariat's status form, as its buttons send it, confirmed.
    fn set(&mut self, status: Option<&str>, reason: &str) -> Resp {
        let mut form = vec![
            ("csrf", self.csrf.as_str()),
            ("reason", reason),
            ("confirmed", "yes"),
        ];
        form.extend(status.map(|st| ("status", st)));
        let path = format!("/office/stores/{}/status", self.store);
        self.office.post_form(&path, &form)
    }

    fn set_ok(&mut self, status: &str) {
        let r = self.set(Some(status), "換金目的の取引");
        assert_eq!(r.status, 303, "{}", r.text());
    }

    /// The resident pays by scanning the store's code (MPM).
    fn mpm(&self, amount: i64) -> Resp {
        self.s.as_(&self.resident).post(
            "/api/v1/payments",
            &json!({ "store_code": self.code, "amount": amount }),
        )
    }

    /// The store scans the resident's code (CPM).
    fn cpm(&self, amount: i64) -> Resp {
        let t = self.s.as_(&self.resident).get("/api/v1/me/qr-token").json()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        self.s.as_(&self.merchant).post(
            &format!("/api/v1/stores/{}/payments", self.store),
            &json!({ "token": t, "amount": amount }),
        )
    }

    fn total(&self) -> i64 {
        self.s.total(&self.resident)
    }
}

#[test]
fn an_unknown_store_status_is_refused_and_changes_nothing() {
    let s = Server::start();
    let mut sc = Scene::new(&s);
    for bad in ["closed", "Active", "", "suspended; removed"] {
        let r = sc.set(Some(bad), "理由");
        assert_eq!(r.status, 400, "{bad:?}");
        let alert = Html::parse(&r.text()).text(".alert");
        assert!(
            alert.contains("状態の指定が正しくありません")
                || alert.contains("status must be active, suspended or removed"),
            "{bad:?}: {alert}"
        );
    }
    assert_eq!(sc.set(None, "理由").status, 400, "no status at all");

    // Nothing changed: the store is active, listed, payable, and nothing was audited.
    let admin = s.admin();
    let shown = s.as_(&admin).get(&format!("/api/v1/stores/{}", sc.store));
    assert_eq!(shown.json()["status"], "active");
    let listed = s.api().get("/api/v1/stores").json();
    assert_eq!(listed["items"][0]["id"], sc.store);
    let audit = Html::parse(&sc.office.get("/admin/audit").text()).texts("tbody tr");
    assert!(
        !audit.iter().any(|r| r.contains("お店の取り扱いを停止")),
        "{audit:?}"
    );
    assert_eq!(sc.mpm(100).status, 201);
    assert_eq!(sc.total(), 1900);
    s.verify();
}

#[test]
fn a_suspended_store_takes_no_payments_until_reinstated() {
    let s = Server::start();
    let mut sc = Scene::new(&s);
    let r = sc.set(Some("suspended"), "");
    assert_eq!(r.status, 400, "a reason is required");
    let r = sc.set(Some("suspended"), "換金目的の取引が確認されたため");
    assert_eq!(r.status, 303);
    assert_eq!(sc.mpm(100).status, 404, "no MPM payments while suspended");
    let r = sc.cpm(100);
    assert_eq!(
        (r.status, r.code().as_str()),
        (404, "not_found"),
        "no CPM payments while suspended"
    );
    assert_eq!(sc.total(), 2000, "no value moved");
    // The resident's page for the store's code does not lead to a payment either.
    let mut resident = Browser::new(&s);
    resident.login("buyer", "password-1234");
    assert_eq!(resident.get(&format!("/p/{}", sc.code)).status, 404);
    assert!(
        s.api().get("/api/v1/stores").json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        Html::parse(&sc.office.get("/office/stores").text())
            .text("td small.reason")
            .contains("換金目的")
    );
    let r = sc.set(Some("active"), "");
    assert_eq!(r.status, 303);
    assert_eq!(sc.mpm(100).status, 201);
    assert_eq!(sc.cpm(100).status, 201);
    assert_eq!(sc.total(), 1800);
    let audit = Html::parse(&sc.office.get("/admin/audit").text()).texts("tbody tr");
    assert!(
        audit.iter().any(|r| r.contains("お店の取り扱いを停止"))
            && audit.iter().any(|r| r.contains("お店の取り扱いを再開"))
    );
    s.verify();
}

#[test]
fn a_suspended_or_removed_store_gives_no_refunds() {
    let s = Server::start();
    let mut sc = Scene::new(&s);
    let p = sc.mpm(1000);
    assert_eq!(p.status, 201, "{}", p.text());
    let pid = p.json()["payment_id"].as_i64().unwrap();
    let mut shop = Browser::new(&s);
    shop.login("ihan", "password-1234");
    // The confirmation was open when the store was suspended.
    let confirm = crate::counter::refund_confirmation(&mut shop, pid, "500");
    let fields = crate::counter::confirm_fields(&confirm);

    sc.set_ok("suspended");
    let merchant = sc.merchant.clone();
    let refund = || {
        s.as_(&merchant).post(
            &format!("/api/v1/payments/{pid}/refunds"),
            &json!({ "amount": 500 }),
        )
    };
    let r = refund();
    assert_eq!((r.status, r.code().as_str()), (422, "rule_violation"));
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("suspended")
    );
    // The till page says why instead of offering the form, and a form sent from before
    // the suspension is refused with the reason.
    let page = Html::parse(&shop.get(&format!("/shop/payments/{pid}")).text());
    assert!(page.attrs("form.refund", "action").is_empty());
    assert!(
        page.text(".notice").contains("利用停止中"),
        "{}",
        page.text("main")
    );
    let r = crate::counter::press(&mut shop, &format!("/shop/payments/{pid}/refund"), &fields);
    assert_eq!(r.status, 422);
    assert!(Html::parse(&r.text()).text(".alert").contains("利用停止中"));
    assert_eq!(sc.total(), 1000, "no value moved");

    sc.set_ok("removed");
    let r = refund();
    assert_eq!((r.status, r.code().as_str()), (422, "rule_violation"));
    assert_eq!(sc.total(), 1000);
    sc.set_ok("active");
    assert_eq!(refund().status, 201);
    assert_eq!(sc.total(), 1500);
    s.verify();
}

#[test]
fn the_office_finds_a_store_among_many_sees_its_detail_and_confirms_a_suspension() {
    let s = Server::start();
    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let admin = s.admin();
    for i in 0..60 {
        let r = s.as_(&admin).post(
            "/api/v1/stores",
            &json!({ "name": format!("商店{i:02}"), "name_kana": "ショウテン", "category": "小売", "address": "めぐり市1-1" }),
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let (store, _, _) = s.store("ひだまり喫茶", "hidamari");
    // Searched by reading in hiragana; paged by fifty.
    let found = Html::parse(
        &office
            .get("/office/stores?q=%E3%81%B2%E3%81%A0%E3%81%BE%E3%82%8A")
            .text(),
    );
    assert_eq!(
        found.texts("tbody tr").len(),
        1,
        "{:?}",
        found.texts("tbody tr")
    );
    let all = Html::parse(&office.get("/office/stores").text());
    assert_eq!(all.texts("tbody tr").len(), 50);
    assert_eq!(all.attrs("a[rel=next]", "href").len(), 1);
    let second = Html::parse(&office.get("/office/stores?q=&status=&page=2").text());
    assert_eq!(second.texts("tbody tr").len(), 11);

    // The detail names the bank account type in words and links the public page.
    let page = office.get(&format!("/office/stores/{store}")).text();
    assert!(
        page.contains(&format!("href=\"/stores/{store}\"")),
        "{page}"
    );

    // Suspending asks first: the question names the store, nothing changes yet.
    let csrf = csrf_of(&page);
    let path = format!("/office/stores/{store}/status");
    let r = office.post_form(
        &path,
        &[
            ("csrf", &csrf),
            ("status", "suspended"),
            ("reason", "調査中"),
        ],
    );
    assert_eq!(r.status, 200);
    assert!(
        r.text()
            .contains("「ひだまり喫茶」の取り扱いを停止しますか"),
        "{}",
        r.text()
    );
    assert!(
        s.api()
            .get("/api/v1/stores?q=%E3%81%B2%E3%81%A0%E3%81%BE%E3%82%8A")
            .json()["items"]
            .as_array()
            .unwrap()
            .len()
            == 1
    );
    let r = office.post_form(
        &path,
        &[
            ("csrf", &csrf),
            ("status", "suspended"),
            ("reason", "調査中"),
            ("confirmed", "yes"),
        ],
    );
    assert_eq!(r.status, 303);
    let done = office.get(r.header("location").unwrap()).text();
    assert!(done.contains("取り扱いを停止しました"), "{done}");
    assert!(
        s.api()
            .get("/api/v1/stores?q=%E3%81%B2%E3%81%A0%E3%81%BE%E3%82%8A")
            .json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    s.verify();
}
