//! City tax paid with money: one notice number is paid once per resident; a retry with
//! the same Idempotency-Key is the first answer, not a second payment.

use serde_json::json;

use crate::support::Server;

#[test]
fn a_tax_notice_already_paid_is_refused_but_a_retry_gets_the_first_answer() {
    let s = Server::start();
    s.set_clock("2024-12-01T10:00:00+09:00");
    let (id, me) = s.resident("taxpayer");
    let (other_id, other) = s.resident("neighbour");
    for (who, token) in [(id, &me), (other_id, &other)] {
        let r = s.as_(token).post(
            "/api/v1/charges",
            &json!({ "resident_id": who, "amount": 5000, "method": "credit_card" }),
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let pay = |token: &str, key: &str, notice: &str| {
        let body = json!({ "amount": 1000, "notice_number": notice }).to_string();
        s.as_(token).send(
            "POST",
            "/api/v1/tax-payments",
            Some(body.as_bytes()),
            &[("Idempotency-Key", key)],
        )
    };
    let first = pay(&me, "k1", "A-77");
    assert_eq!(first.status, 201, "{}", first.text());
    let retry = pay(&me, "k1", "A-77");
    assert_eq!(
        (retry.status, retry.body.clone()),
        (201, first.body.clone())
    );
    assert_eq!(s.total(&me), 4000, "the retry paid nothing");

    s.advance(3600);
    for (i, notice) in ["A-77", "a-77", " A-77 "].iter().enumerate() {
        let again = pay(&me, &format!("k2-{i}"), notice);
        assert_eq!(
            (again.status, again.code().as_str()),
            (409, "conflict"),
            "{notice:?}"
        );
        let message = again.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            message.contains("already paid") && message.contains("1 Dec 2024 10:00"),
            "{message}"
        );
    }
    assert_eq!(s.total(&me), 4000, "refused: nothing moved");

    // Another notice, or another resident's notice of that number, is paid.
    assert_eq!(pay(&me, "k3", "A-78").status, 201);
    assert_eq!(pay(&other, "k1", "A-77").status, 201);
    assert_eq!((s.total(&me), s.total(&other)), (3000, 4000));
    s.verify();
}
