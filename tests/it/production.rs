//! A server started exactly as `systemd/meguri.service` starts it: no sandbox, so no
//! payment provider that approves everything.

use crate::support::{Browser, Server};

/// The flags of the unit's `ExecStart`, less the paths and address this machine differs in.
fn unit_flags() -> Vec<String> {
    let unit = include_str!("../../systemd/meguri.service");
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("the unit has an ExecStart");
    let words: Vec<&str> = exec.split_whitespace().collect();
    assert_eq!(&words[..2], ["/usr/local/bin/meguri", "serve"]);
    let mut flags = Vec::new();
    let mut rest = words[2..].iter();
    while let Some(w) = rest.next() {
        if ["--db", "--data-key", "--addr"].contains(w) {
            rest.next();
        } else {
            flags.push(w.to_string());
        }
    }
    flags
}

#[test]
fn production_refuses_card_and_bank_charges_and_moves_nothing() {
    let flags = unit_flags();
    assert!(
        !flags
            .iter()
            .any(|f| f == "--sandbox" || f == "--fake-clock")
    );
    let args: Vec<&str> = flags.iter().map(String::as_str).collect();
    let s = Server::start_with(&args);
    assert!(
        s.log().contains("payment provider: none"),
        "the start-up log says so:\n{}",
        s.log()
    );
    let (id, token) = s.resident("prod-resident");
    for method in ["credit_card", "bank"] {
        let r = s.as_(&token).post(
            "/api/v1/charges",
            &serde_json::json!({ "resident_id": id, "amount": 10_000_000, "method": method }),
        );
        assert_eq!(r.status, 422, "{method}: {}", r.text());
        assert_eq!(r.code(), "rule_violation");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not available")
        );
    }
    assert_eq!(s.total(&token), 0);

    // The resident's charge page says where to charge instead of offering a card form.
    let mut b = Browser::new(&s);
    b.login("prod-resident", "password-1234");
    let page = b.get("/app/charge").text();
    assert!(page.contains("チャージ取扱店で現金で"), "{page}");
    assert!(!page.contains("name=\"method\""), "{page}");
    let csrf = crate::support::csrf_of(&page);
    let r = b.post_form(
        "/app/charge/confirm",
        &[
            ("csrf", &csrf),
            ("preset", "10000"),
            ("method", "credit_card"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let r = b.get(r.header("location").unwrap());
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("チャージ取扱店で現金で"), "{}", r.text());
    assert!(!r.text().contains("チャージする</button>"));
    assert_eq!(s.total(&token), 0);

    // Cash charges by the city still work, and nothing says "sandbox".
    let r = s.as_(&s.admin()).post(
        "/api/v1/charges",
        &serde_json::json!({ "resident_id": id, "amount": 1000, "method": "admin" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["provider"], serde_json::Value::Null);
    let home = b.get("/app").text();
    assert!(!home.contains("本物のお金ではありません"), "{home}");
    s.verify();
}
