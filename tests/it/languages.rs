//! The five languages as residents meet them: the browser's language on a first visit,
//! a switch on every page that is remembered, a whole payment in Portuguese and in easy
//! Japanese without a sentence of another language, API messages and mails in the
//! reader's language, and the large-text and simple views.

use meguri::i18n::{FILES, Lang, Msg, parse_file};
use serde_json::json;

use crate::support::{Browser, Html, Server, csrf_of, request};

fn html_lang(page: &str) -> String {
    let start = page.find("<html lang=\"").expect("html lang") + 12;
    page[start..].split('"').next().unwrap().to_owned()
}

#[test]
fn a_first_visit_speaks_the_browsers_language_and_the_switch_remembers() {
    let s = Server::start();
    let visit = |headers: &[(&str, &str)]| request(&s.addr, "GET", "/", headers, b"").text();
    let pt = visit(&[("Accept-Language", "pt-BR,pt;q=0.9,en;q=0.8")]);
    assert_eq!(html_lang(&pt), "pt");
    assert!(pt.contains(Lang::Pt.t(Msg::LogIn)));
    assert_eq!(html_lang(&visit(&[("Accept-Language", "vi-VN")])), "vi");
    assert_eq!(html_lang(&visit(&[("Accept-Language", "fr, de")])), "ja");
    assert_eq!(html_lang(&visit(&[])), "ja");
    // A choice made once wins over the browser's.
    assert_eq!(
        html_lang(&visit(&[
            ("Accept-Language", "pt-BR"),
            ("Cookie", "meguri_lang=en")
        ])),
        "en"
    );

    // Every page offers all five languages; the switch returns to the same page.
    let mut b = Browser::new(&s);
    let page = Html::parse(&b.get("/stores").text());
    let links = page.attrs("ul.langs a", "href");
    assert_eq!(links.len(), 5, "{links:?}");
    let to_easy = links.iter().find(|h| h.contains("to=ja-easy")).unwrap();
    let r = b.get(&to_easy.replace("&amp;", "&"));
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/stores"));
    let easy = b.get("/stores").text();
    assert_eq!(html_lang(&easy), "ja");
    assert!(easy.contains(Lang::EasyJa.t(Msg::Search)));
    assert!(
        Html::parse(&easy)
            .attrs("ul.langs a[aria-current]", "lang")
            .contains(&"ja".to_owned())
    );
    // An error page too: in the chosen language, with the switch and the skip link.
    let r = b.get("/no-such-page");
    assert_eq!(r.status, 404);
    let missing = Html::parse(&r.text());
    assert_eq!(missing.attrs("ul.langs a", "href").len(), 5);
    assert_eq!(missing.attrs("a.skip", "href"), ["#main"]);
    assert!(r.text().contains(Lang::EasyJa.t(Msg::PageNotFound)));
    // Nonsense in the switch changes nothing harmful: Japanese, and back home.
    let r = b.get("/lang?to=%00xx&next=//evil.example");
    assert_eq!(r.header("location"), Some("/"));
    assert_eq!(html_lang(&b.get("/").text()), "ja");
}

/// Sentences of `other` that differ from `lang`'s own text, long enough to be sentences
/// (short words such as `OK` or a weekday may well be the same).
fn foreign_sentences(lang: Lang, other: usize) -> Vec<String> {
    let own: std::collections::HashMap<&str, String> = parse_file(
        FILES
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, f)| *f)
            .unwrap(),
    )
    .unwrap()
    .into_iter()
    .collect();
    parse_file(FILES[other].1)
        .unwrap()
        .into_iter()
        .filter(|(k, t)| own.get(k) != Some(t))
        .flat_map(|(_, t)| {
            // The pieces between placeholders are what a page would show.
            t.split(['{', '}'])
                .map(|p| p.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|p| p.chars().count() >= 12)
        .collect()
}

/// The page's visible text without what is data, not language: the city's, the
/// store's and the resident's names.
fn visible(page: &str, data: &[&str]) -> String {
    let mut text = Html::parse(page).text("body");
    for d in data {
        text = text.replace(d, " ");
    }
    text
}

#[test]
fn a_newcomer_pays_in_portuguese_vietnamese_or_easy_japanese_without_another_language() {
    for lang in [Lang::Pt, Lang::Vi, Lang::EasyJa] {
        let s = Server::start();
        s.set_clock("2024-12-01T10:05:30+09:00");
        let (_, code, _) = s.store("めぐり青果店", "seika");
        // Data, not language: names (the city names its programs), and each language's
        // own name in the switch.
        let mut data = vec![
            "めぐり市",
            "めぐりペイ",
            "めぐり青果店",
            "通常チャージ",
            "Maria",
        ];
        data.extend(Lang::ALL.map(|l| l.native_name()));
        let foreign: Vec<String> = [0, 1]
            .into_iter()
            .filter(|i| FILES[*i].0 != lang)
            .flat_map(|i| foreign_sentences(lang, i))
            .collect();
        let check = |where_: &str, page: &str| {
            let text = visible(page, &data);
            if matches!(lang, Lang::Pt | Lang::Vi) {
                let japanese: String = text
                    .chars()
                    .filter(|c| matches!(*c as u32, 0x3040..=0x30ff | 0x4e00..=0x9fff))
                    .collect();
                assert!(
                    japanese.is_empty(),
                    "{where_}: Japanese {japanese:?} in {text}"
                );
            }
            for f in &foreign {
                assert!(!text.contains(f.as_str()), "{where_}: {f:?} in {text}");
            }
        };

        let mut b = Browser::new(&s);
        b.get(&format!("/lang?to={}&next=/", lang.code()));
        check("home", &b.get("/").text());
        check("register", &b.get("/register").text());
        let r = b.submit(
            "/register",
            "/register",
            &[
                ("display_name", "Maria"),
                ("login", "maria"),
                ("password", "password-1234"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.text());
        let welcome = b.get(r.header("location").unwrap());
        check("welcome", &welcome.text());
        let resident_id = s
            .api()
            .post(
                "/api/v1/auth/token",
                &json!({ "login": "maria", "password": "password-1234" }),
            )
            .json()["subject_id"]
            .as_i64()
            .unwrap();
        check("my page", &b.get("/app").text());
        let admin = s.admin();
        let r = s.as_(&admin).post(
            "/api/v1/charges",
            &json!({ "resident_id": resident_id, "amount": 3000, "method": "admin" }),
        );
        assert_eq!(r.status, 201, "{}", r.text());

        let page = b.get(&format!("/p/{code}"));
        check("amount form", &page.text());
        let r = b.post_form(
            &format!("/p/{code}/confirm"),
            &[("csrf", &csrf_of(&page.text())), ("amount", "1280")],
        );
        assert_eq!(r.status, 303, "{}", r.text());
        let confirm = b.get(r.header("location").unwrap());
        check("confirm", &confirm.text());
        let html = Html::parse(&confirm.text());
        assert_eq!(
            html.text("p.big-amount"),
            lang.yen(meguri::domain::Yen(1280))
        );
        let key = html.attrs("input[name=key]", "value")[0].clone();
        let done = b.post_form(
            &format!("/p/{code}"),
            &[
                ("csrf", &csrf_of(&confirm.text())),
                ("amount", "1280"),
                ("key", &key),
            ],
        );
        assert_eq!(done.status, 303, "{}", done.text());
        let screen = b.get(done.header("location").unwrap());
        check("completion", &screen.text());
        assert!(screen.text().contains(lang.t(Msg::PaymentComplete)));
        check("history", &b.get("/app/history").text());
        check("my code", &b.get("/app/qr").text());
        // A refusal, too, is in the resident's language.
        let page = b.get(&format!("/p/{code}"));
        let r = b.post_form(
            &format!("/p/{code}"),
            &[
                ("csrf", &csrf_of(&page.text())),
                ("amount", "99999"),
                ("key", "k2"),
            ],
        );
        assert_eq!(r.status, 422);
        check("refusal", &r.text());
        s.verify();
    }
}

#[test]
fn api_messages_follow_accept_language_and_default_to_english() {
    let s = Server::start();
    let (id, _) = s.resident("hanako");
    let admin = s.admin();
    let api = s.as_(&admin);
    let body = format!(r#"{{"resident_id": {id}, "amount": 0, "method": "admin"}}"#);
    let body = body.as_bytes();
    let en = api.send("POST", "/api/v1/charges", Some(body), &[]);
    let pt = api.send(
        "POST",
        "/api/v1/charges",
        Some(body),
        &[("Accept-Language", "pt-BR")],
    );
    assert_eq!(en.status, pt.status);
    assert_eq!(en.code(), pt.code());
    let (en, pt) = (
        en.json()["error"]["message"].as_str().unwrap().to_owned(),
        pt.json()["error"]["message"].as_str().unwrap().to_owned(),
    );
    assert_ne!(en, pt, "the Portuguese message is not the English one");
    assert!(en.is_ascii(), "{en}");
    s.verify();
}

#[test]
fn mails_about_an_application_speak_the_language_of_the_form() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    b.get("/lang?to=vi&next=/apply");
    let form = b.get("/apply");
    assert_eq!(html_lang(&form.text()), "vi");
    let r = b.post_form(
        "/apply",
        &[
            ("csrf", &csrf_of(&form.text())),
            ("name", "Phở Hà Nội"),
            ("name_kana", "フォーハノイ"),
            ("category", "飲食店"),
            ("postal_code", "371-0001"),
            ("address", "めぐり市本町1-2"),
            ("accepts", "money"),
            ("applicant_name", "Nguyen Van An"),
            ("email", "an@example.jp"),
            ("bank_code", "0001"),
            ("branch_code", "001"),
            ("account_type", "ordinary"),
            ("account_number", "1234567"),
            ("holder_kana", "グエン"),
            ("pledge", "1"),
            ("terms", "1"),
        ],
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let out = crate::support::stdout(&crate::support::meguri(&[
        "mail",
        "list",
        "--db",
        s.db_arg(),
    ]));
    let subject = Lang::Vi.t(Msg::MailReceivedSubject);
    assert!(out.contains(subject), "{out}");
    s.verify();
}

#[test]
fn large_text_and_the_simple_home_are_chosen_once_and_remembered() {
    let s = Server::start();
    s.resident("hanako");
    let mut b = Browser::new(&s);
    b.login("hanako", "password-1234");
    let full = Html::parse(&b.get("/app").text());
    assert!(!full.attrs("a", "href").is_empty());
    assert!(full.attrs("a[href='/app/charge']", "href").len() == 1);

    let r = b.get("/view?large=on&next=/app");
    assert_eq!(r.header("location"), Some("/app"));
    let r = b.get("/view?simple=on&next=/app");
    assert_eq!(r.header("location"), Some("/app"));
    let page = b.get("/app").text();
    assert!(
        page.contains("<html lang=\"ja\" class=\"large\""),
        "large text"
    );
    let simple = Html::parse(&page);
    let links = simple.attrs("main a", "href");
    assert!(links.contains(&"/app/scan".to_owned()) && links.contains(&"/app/qr".to_owned()));
    assert!(links.contains(&"/app/history".to_owned()));
    assert!(!links.contains(&"/app/charge".to_owned()), "{links:?}");
    assert_eq!(simple.texts("section.balance .total").len(), 1);
    // Other pages keep the large text; turning simple off brings the full menu back.
    assert!(b.get("/stores").text().contains("class=\"large\""));
    b.get("/view?simple=off&next=/app");
    let full = Html::parse(&b.get("/app").text());
    assert!(
        full.attrs("main a", "href")
            .contains(&"/app/charge".to_owned())
    );
    s.verify();
}
