use std::collections::{BTreeSet, HashSet};

use super::*;

/// Every key has a text in every language, no file has a key that does not exist or
/// has one twice, and every text uses exactly the message's arguments.
#[test]
fn every_message_has_every_language_and_argument() {
    let keys: HashSet<&str> = Msg::ALL.iter().map(|m| m.name()).collect();
    assert_eq!(keys.len(), Msg::ALL.len(), "keys are unique");
    let mut problems = vec![];
    for (lang, file) in FILES {
        let entries = match parse_file(file) {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("{}: {e}", lang.code()));
                continue;
            }
        };
        let mut seen = HashSet::new();
        for (key, text) in &entries {
            if !keys.contains(key) {
                problems.push(format!("{}: unknown key {key}", lang.code()));
            }
            if !seen.insert(*key) {
                problems.push(format!("{}: {key} twice", lang.code()));
            }
            if text.trim().is_empty() {
                problems.push(format!("{}: {key} is empty", lang.code()));
            }
        }
        for m in Msg::ALL {
            let Some((_, text)) = entries.iter().find(|(k, _)| *k == m.name()) else {
                problems.push(format!("{}: {} missing", lang.code(), m.name()));
                continue;
            };
            let used: BTreeSet<&str> = placeholders(text).into_iter().collect();
            let declared: BTreeSet<&str> = m.args().iter().copied().collect();
            if used != declared {
                problems.push(format!(
                    "{}: {} uses {used:?}, the message declares {declared:?}",
                    lang.code(),
                    m.name()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A sentence left in English in the Portuguese or Vietnamese file is a sentence a
/// resident cannot read; short words (`OK`, `PIN`) may be the same.
#[test]
fn translations_are_not_english_copies() {
    let en: HashMap<&str, String> = parse_file(FILES[1].1).unwrap().into_iter().collect();
    for (lang, file) in [FILES[2], FILES[3]] {
        let copies: Vec<&str> = parse_file(file)
            .unwrap()
            .into_iter()
            .filter(|(k, t)| t.chars().count() >= 24 && en.get(k) == Some(t))
            .map(|(k, _)| k)
            .collect();
        assert!(
            copies.is_empty(),
            "{}: still English: {copies:?}",
            lang.code()
        );
    }
}

#[test]
fn texts_fill_named_arguments() {
    assert_eq!(
        placeholders("a {n} b {store} {\"x\": 1} {}"),
        ["n", "store"]
    );
    assert_eq!(Lang::Ja.amount(Unit::Points, Amount(1200)), "1,200ポイント");
    let t = Text::new(Msg::PointsAmount).with("n", 5);
    assert_eq!(t.in_lang(Lang::En), "5 pt");
}

#[test]
fn accept_language_picks_the_best_of_ours() {
    let pick = Lang::from_accept_language;
    assert_eq!(pick("pt-BR,pt;q=0.9,en;q=0.8"), Some(Lang::Pt));
    assert_eq!(pick("fr-FR, en;q=0.5, vi;q=0.7"), Some(Lang::Vi));
    assert_eq!(pick("en-US"), Some(Lang::En));
    assert_eq!(pick("ja,en-US;q=0.9"), Some(Lang::Ja));
    assert_eq!(pick("fr, de;q=0.8"), None);
    assert_eq!(pick("vi;q=0, en;q=0.1"), Some(Lang::En));
    assert_eq!(pick(""), None);
    assert_eq!(pick(";;q=,,\u{0}"), None);
}

#[test]
fn amounts_and_dates_per_language() {
    // 2024-11-30T15:00:00Z is 2024-12-01 00:05 in Tokyo with 305 s, a Sunday.
    let t = 1_732_978_800 + 305;
    assert_eq!(Lang::Ja.datetime(t), "2024年12月1日(日) 00:05");
    assert_eq!(Lang::En.date(t), "Sun 1 Dec 2024");
    assert_eq!(Lang::Ja.yen(Yen(-1200)), "-1,200円");
    assert_eq!(Lang::En.yen(Yen(-1200)), "-¥1,200");
    assert_eq!(Lang::Pt.yen(Yen(1_234_567)), "¥ 1.234.567");
    assert_eq!(Lang::Vi.yen(Yen(1200)), "1.200 yên");
    for l in Lang::ALL {
        assert_eq!(Lang::from_code(l.code()), Some(l));
        assert!(l.date(t).contains(l.weekday(t)));
    }
}

/// A key no code names is a text translators keep up for nothing.
#[test]
fn every_message_is_used() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut code = String::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("i18n/keys.rs") {
                code.push_str(&std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let unused: Vec<&str> = Msg::ALL
        .iter()
        .map(|m| m.name())
        .filter(|n| !code.contains(&format!("Msg::{n}")))
        .collect();
    assert!(unused.is_empty(), "never used: {unused:?}");
}
