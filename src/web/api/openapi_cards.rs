//! The OpenAPI description of the Cards endpoints (beside `openapi`, which keeps the rest).

use serde_json::{Value, json};

use super::openapi_schema::{closed, error_response, int, list_of, obj, ok, op, s};
use crate::web::router::Method;

pub fn operations() -> Vec<(Method, &'static str, Value)> {
    use Method::*;
    let printed = || {
        obj(
            &[("id", int()), ("serial", s()), ("qr", s())],
            &["id", "serial", "qr"],
        )
    };
    let card = || {
        obj(
            &[
                ("id", int()),
                ("serial", s()),
                ("batch_id", int()),
                ("kind", json!({ "enum": ["rechargeable", "single_use"] })),
                (
                    "status",
                    json!({ "enum": ["issued", "active", "frozen", "migrated"] }),
                ),
            ],
            &["id", "serial", "batch_id", "kind", "status"],
        )
    };
    let card_errors = |mut r: Value| {
        r["409"] = error_response("conflict");
        r["422"] = error_response("card_invalid");
        r
    };
    vec![
        (
            Post,
            "/api/v1/card-batches",
            op(
                "Issue a batch of printed QR cards (not yet sold, holding nothing). Single-use \
                 cards name the program and amount each carries once sold; the cards are listed \
                 when there are at most 1,000, otherwise page them with GET .../cards",
                Some(closed(
                    &[
                        (
                            "count",
                            json!({ "type": "integer", "minimum": 1, "maximum": 100_000 }),
                        ),
                        ("kind", json!({ "enum": ["rechargeable", "single_use"] })),
                        (
                            "preload",
                            closed(
                                &[("program", s()), ("amount", int())],
                                &["program", "amount"],
                            ),
                        ),
                    ],
                    &["count", "kind"],
                )),
                ok(
                    201,
                    obj(
                        &[
                            ("batch_id", int()),
                            ("cards", json!({ "type": "array", "items": printed() })),
                        ],
                        &["batch_id"],
                    ),
                ),
            ),
        ),
        (
            Get,
            "/api/v1/card-batches/{id}/cards",
            op(
                "A batch's cards as printed (serial, QR text), in serial order",
                None,
                ok(200, list_of(printed())),
            ),
        ),
        (
            Get,
            "/api/v1/cards/{id}",
            op(
                "A card, its status and what it holds",
                None,
                ok(200, card()),
            ),
        ),
        (
            Post,
            "/api/v1/cards/{id}/freeze",
            op(
                "Stop a card (reported lost): it pays nothing until unfrozen",
                None,
                card_errors(ok(200, card())),
            ),
        ),
        (
            Post,
            "/api/v1/cards/{id}/unfreeze",
            op(
                "Let a frozen card pay again",
                None,
                card_errors(ok(200, card())),
            ),
        ),
        (
            Post,
            "/api/v1/cards/{id}/reissue",
            op(
                "Reissue a lost card: its value moves onto an unsold card of the same kind, \
                 lots and expiries as they were; the new card is in use at once, the old one \
                 pays no more",
                Some(closed(&[("new_card_id", int())], &["new_card_id"])),
                card_errors(ok(
                    201,
                    obj(
                        &[("card_id", int()), ("moved_amount", int())],
                        &["card_id", "moved_amount"],
                    ),
                )),
            ),
        ),
        (
            Post,
            "/api/v1/cards/{id}/sale",
            op(
                "Sell an issued card for cash (staff of a card-selling store, or the office): a \
                 single-use card gets its preload, a rechargeable one `amount` yen (may be 0) \
                 with any running charge premium. The cash is what the store owes the city",
                Some(closed(
                    &[(
                        "amount",
                        json!({ "type": "integer", "minimum": 0, "maximum": 10_000_000 }),
                    )],
                    &[],
                )),
                card_errors(ok(
                    201,
                    obj(
                        &[
                            ("card_id", int()),
                            ("serial", s()),
                            ("charge_id", json!({ "type": ["integer", "null"] })),
                            ("amount", int()),
                            ("premium_granted", int()),
                            ("balance", int()),
                        ],
                        &["card_id", "serial", "amount", "balance"],
                    ),
                )),
            ),
        ),
        (
            Post,
            "/api/v1/me/card-migrations",
            op(
                "Move a card's value into my wallet, lots and expiries as they were; the card \
                 is marked migrated and pays no more",
                Some(closed(&[("card_qr", s()), ("pin", s())], &["card_qr"])),
                card_errors(ok(201, obj(&[("moved_amount", int())], &["moved_amount"]))),
            ),
        ),
    ]
}
