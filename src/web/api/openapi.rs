//! The OpenAPI 3.1 description of the API, built from the route table (paths, methods,
//! roles) plus the schema of each operation below. A test keeps the two in step.

use serde_json::{Map, Value, json};

use super::openapi_schema::*;
use crate::web::router::{self, Kind, Method};

/// The whole document, as served at `/api/v1/openapi.json`.
pub fn document() -> Value {
    let mut paths = Map::new();
    let mut ops = operations();
    for r in router::ROUTES.iter().filter(|r| r.kind == Kind::Api) {
        let Some(i) = ops
            .iter()
            .position(|(m, p, _)| *m == r.method && *p == r.pattern)
        else {
            continue;
        };
        let (_, _, mut op) = ops.swap_remove(i);
        op["x-roles"] = json!(
            r.access
                .roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
        );
        op["x-anonymous"] = json!(r.access.anonymous);
        if !r.access.anonymous {
            op["security"] = json!([{ "bearer": [] }]);
        }
        let params = path_params(r);
        if !params.is_empty() {
            op["parameters"] = json!(params);
        }
        let responses = op["responses"]
            .as_object_mut()
            .expect("every operation has responses");
        for (code, name) in [
            ("400", "invalid_request"),
            ("401", "unauthorized"),
            ("403", "forbidden"),
            ("404", "not_found"),
            ("429", "rate_limited"),
        ] {
            responses
                .entry(code)
                .or_insert_with(|| error_response(name));
        }
        // Read-only for maintenance refuses every change (`maintenance`, 503).
        if r.method != Method::Get && r.pattern != "/api/v1/auth/token" {
            responses.insert("503".into(), error_response("maintenance"));
        }
        paths
            .entry(r.pattern)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("path items are objects")
            .insert(r.method.as_str().to_ascii_lowercase(), op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "meguri API",
            "version": "1",
            "description": "The public JSON API of meguri, an electronic regional currency. \
                            Amounts are integer yen; times are RFC 3339 in Asia/Tokyo.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": { "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": { "code": { "type": "string" }, "message": { "type": "string" } },
                    } },
                },
                "Store": store_schema(),
            },
        },
    })
}

/// The documentation of every API operation; a test checks it against the router.
pub fn operations() -> Vec<(Method, &'static str, Value)> {
    let mut all = super::openapi_accounts::operations();
    all.extend(system());
    all.extend(stores_and_programs());
    all.extend(money());
    all.extend(reading());
    all.extend(super::openapi_cards::operations());
    all
}

/// Health, metrics, this document and the sandbox.
fn system() -> Vec<(Method, &'static str, Value)> {
    use Method::*;
    vec![
        (
            Get,
            "/healthz",
            op(
                "Liveness: the server and its database answer",
                None,
                ok(200, obj(&[("status", s())], &["status"])),
            ),
        ),
        (
            Get,
            "/metrics",
            json!({
                "summary": "Prometheus metrics: requests, latencies, payments, database and WAL size (admin)",
                "responses": { "200": { "description": "success", "content": { "text/plain": { "schema": s() } } } },
            }),
        ),
        (
            Get,
            "/api/v1/openapi.json",
            op("This document", None, ok(200, json!({ "type": "object" }))),
        ),
        (
            Get,
            "/api/v1/sandbox/clock",
            op(
                "The sandbox clock (only with --fake-clock)",
                None,
                ok(200, clock()),
            ),
        ),
        (
            Put,
            "/api/v1/sandbox/clock",
            op(
                "Set the sandbox clock, running on from `now` (or standing still with `frozen`); jobs that became due run at once",
                Some(closed(
                    &[
                        ("now", datetime()),
                        ("frozen", json!({ "type": "boolean" })),
                    ],
                    &["now"],
                )),
                ok(200, clock()),
            ),
        ),
        (
            Post,
            "/api/v1/sandbox/panic",
            op(
                "Sandbox only: a handler that panics, answered with 500",
                None,
                ok(500, json!({ "$ref": "#/components/schemas/Error" })),
            ),
        ),
    ]
}

/// Stores, their staff, and programs.
fn stores_and_programs() -> Vec<(Method, &'static str, Value)> {
    use Method::*;
    vec![
        (
            Get,
            "/api/v1/stores",
            op(
                "The public store directory",
                None,
                ok(
                    200,
                    list_of(json!({ "$ref": "#/components/schemas/Store" })),
                ),
            ),
        ),
        (
            Post,
            "/api/v1/stores",
            op(
                "Create a store",
                Some(new_store_schema()),
                ok(
                    201,
                    obj(&[("id", int()), ("mpm_code", s())], &["id", "mpm_code"]),
                ),
            ),
        ),
        (
            Get,
            "/api/v1/stores/{id}",
            op(
                "One store",
                None,
                ok(200, json!({ "$ref": "#/components/schemas/Store" })),
            ),
        ),
        (
            Post,
            "/api/v1/stores/{id}/staff",
            op(
                "Create a merchant login bound to the store",
                Some(closed(
                    &[("login", text(3)), ("password", text(8))],
                    &["login", "password"],
                )),
                with_conflict(ok(201, id_only())),
            ),
        ),
        (
            Get,
            "/api/v1/programs",
            op(
                "Programs with their figures (issued, outstanding, redeemed, expired)",
                None,
                ok(200, list_of(json!({ "type": "object" }))),
            ),
        ),
        (
            Post,
            "/api/v1/programs",
            op(
                "Create a program (事業)",
                Some(new_program_schema()),
                with_conflict(ok(201, obj(&[("code", s())], &["code"]))),
            ),
        ),
    ]
}

/// Charges, grants, payments, refunds and city tax.
fn money() -> Vec<(Method, &'static str, Value)> {
    use Method::*;
    vec![
        (
            Post,
            "/api/v1/charges",
            op(
                "Charge a wallet; premium programs may add premium. Card and bank charges need \
             a configured payment provider, otherwise 422 rule_violation",
                Some(one_of_required(
                    closed(
                        &[
                            ("resident_id", int()),
                            ("card_id", int()),
                            ("amount", amount()),
                            (
                                "method",
                                json!({ "enum": ["credit_card", "bank", "cash", "admin"] }),
                            ),
                            ("program", s()),
                            ("expires_at", s()),
                        ],
                        &["amount", "method"],
                    ),
                    &["resident_id", "card_id"],
                )),
                value_moving(ok(
                    201,
                    obj(
                        &[
                            ("charge_id", int()),
                            ("amount", int()),
                            ("premium_granted", int()),
                            ("balance", int()),
                        ],
                        &["charge_id", "amount", "premium_granted", "balance"],
                    ),
                )),
            ),
        ),
        (
            Post,
            "/api/v1/grants",
            op(
                "Grant value of a program to residents, now or at a scheduled time",
                Some(any_of_required(
                    closed(
                        &[
                            ("program", s()),
                            ("amount", amount()),
                            (
                                "resident_ids",
                                json!({ "type": "array", "items": { "type": "integer" } }),
                            ),
                            (
                                "card_ids",
                                json!({ "type": "array", "items": { "type": "integer" } }),
                            ),
                            ("scheduled_at", datetime()),
                        ],
                        &["program", "amount"],
                    ),
                    &["resident_ids", "card_ids"],
                )),
                value_moving(ok(
                    201,
                    obj(
                        &[
                            ("grant_id", int()),
                            ("count", int()),
                            ("status", json!({ "enum": ["done", "scheduled"] })),
                        ],
                        &["grant_id", "count", "status"],
                    ),
                )),
            ),
        ),
        (
            Post,
            "/api/v1/payments",
            op(
                "Pay at a store by its QR code (MPM)",
                Some(closed(
                    &[("store_code", s()), ("amount", amount())],
                    &["store_code", "amount"],
                )),
                value_moving(ok(201, payment())),
            ),
        ),
        (
            Post,
            "/api/v1/stores/{id}/payments",
            op(
                "Take a payment from a resident's QR code (CPM)",
                Some(closed(
                    &[("token", s()), ("amount", amount()), ("pin", s())],
                    &["token", "amount"],
                )),
                value_moving(ok(201, payment())),
            ),
        ),
        (
            Post,
            "/api/v1/payments/{id}/refunds",
            op(
                "Refund all or part of a payment; the value returns to the lots it came from",
                Some(closed(&[("amount", amount())], &["amount"])),
                value_moving(ok(
                    201,
                    obj(
                        &[
                            ("refund_id", int()),
                            ("amount", int()),
                            ("payment_id", int()),
                        ],
                        &["refund_id", "amount"],
                    ),
                )),
            ),
        ),
        (
            Post,
            "/api/v1/tax-payments",
            described(
                op(
                    "Pay city tax with tax-payable value only",
                    Some(closed(
                        &[("amount", amount()), ("notice_number", s())],
                        &["amount", "notice_number"],
                    )),
                    value_moving(ok(201, payment())),
                ),
                "A notice number the resident has already paid (and not been refunded in \
             full) is refused with 409 conflict, saying when it was paid; letters compare \
             in any case. A retry with the same Idempotency-Key returns the first answer \
             and pays nothing again.",
            ),
        ),
    ]
}

/// Notices, balances, history and the payment code.
fn reading() -> Vec<(Method, &'static str, Value)> {
    use Method::*;
    vec![
        (
            Get,
            "/api/v1/notices",
            op(
                "Published notices, newest first",
                None,
                ok(
                    200,
                    list_of(obj(
                        &[
                            ("id", int()),
                            ("title", s()),
                            ("body", s()),
                            ("published_at", datetime()),
                        ],
                        &["id", "title", "body", "published_at"],
                    )),
                ),
            ),
        ),
        (
            Get,
            "/api/v1/me/balance",
            op(
                "My balance, lots in spending order",
                None,
                ok(200, balance()),
            ),
        ),
        (
            Get,
            "/api/v1/residents/{id}/balance",
            op("A resident's balance", None, ok(200, balance())),
        ),
        (
            Get,
            "/api/v1/me/transactions",
            op(
                "My history, newest first",
                None,
                ok(
                    200,
                    list_of(obj(
                        &[
                            ("id", int()),
                            ("kind", s()),
                            ("unit", unit()),
                            ("amount", int()),
                            ("delta", int()),
                            ("at", datetime()),
                            (
                                "store",
                                obj(&[("id", int()), ("name", s())], &["id", "name"]),
                            ),
                        ],
                        &["id", "kind", "amount", "at"],
                    )),
                ),
            ),
        ),
        (
            Get,
            "/api/v1/me/qr-token",
            op(
                "A short-lived single-use code to show at the till (CPM)",
                None,
                ok(
                    200,
                    obj(
                        &[("token", s()), ("expires_at", datetime())],
                        &["token", "expires_at"],
                    ),
                ),
            ),
        ),
    ]
}

/// Value-moving operations refuse with the ledger's codes and honour Idempotency-Key.
fn value_moving(mut responses: Value) -> Value {
    for (status, code) in [("409", "conflict"), ("422", "insufficient_funds")] {
        responses[status] = error_response(code);
    }
    responses
}

fn amount() -> Value {
    json!({ "type": "integer", "minimum": 1, "maximum": 10_000_000 })
}

fn payment() -> Value {
    obj(
        &[
            ("payment_id", int()),
            (
                "store",
                json!({ "type": ["object", "null"], "properties": { "id": { "type": "integer" }, "name": { "type": "string" } } }),
            ),
            ("amount", int()),
            ("paid_at", datetime()),
            (
                "breakdown",
                json!({ "type": "array", "items": obj(&[("program", s()), ("amount", int())], &["program", "amount"]) }),
            ),
            ("balance_after", int()),
        ],
        &[
            "payment_id",
            "store",
            "amount",
            "paid_at",
            "breakdown",
            "balance_after",
        ],
    )
}

/// Yen for money, points for community points.
fn unit() -> Value {
    use crate::domain::{Code, Unit};
    let codes: Vec<&str> = Unit::ALL.iter().map(|u| u.code()).collect();
    json!({ "type": "string", "enum": codes })
}

pub(super) fn balance() -> Value {
    obj(
        &[
            ("total", int()),
            ("points", int()),
            (
                "lots",
                json!({ "type": "array", "items": obj(&[("program", s()), ("unit", unit()), ("amount", int()), ("expires_at", json!({ "type": ["string", "null"] })), ("restricted", json!({ "type": "boolean" }))], &["program", "amount", "expires_at", "restricted"]) }),
            ),
        ],
        &["total", "points", "lots"],
    )
}

fn new_program_schema() -> Value {
    let ints = || json!({ "type": "array", "items": { "type": "integer" } });
    let mut schema = closed(
        &[
            ("code", s()),
            ("name", s()),
            ("kind", json!({ "enum": ["premium", "subsidy", "cash"] })),
            ("expires_at", s()),
            ("valid_days", int()),
            ("store_ids", ints()),
            (
                "categories",
                json!({ "type": "array", "items": { "type": "string" } }),
            ),
            ("weekdays", ints()),
            ("usable_from", s()),
            ("usable_until", s()),
            ("tax_payable", json!({ "type": "boolean" })),
            ("per_person_cap", int()),
            ("budget", int()),
            (
                "charge_premium",
                closed(
                    &[
                        ("rate_percent", json!({ "type": "number" })),
                        ("cap_per_person", int()),
                    ],
                    &["rate_percent"],
                ),
            ),
            ("charge_unit", int()),
        ],
        &["code", "name", "kind"],
    );
    // An expiry is a date or a number of days, never both.
    schema["not"] = json!({ "required": ["expires_at", "valid_days"] });
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_route_is_documented_and_nothing_else() {
        let doc = document();
        let paths = doc["paths"].as_object().unwrap();
        let mut documented = 0;
        for r in router::ROUTES.iter().filter(|r| r.kind == Kind::Api) {
            let op = &paths[r.pattern][r.method.as_str().to_ascii_lowercase()];
            assert!(
                op.is_object(),
                "{} {} has no OpenAPI operation",
                r.method.as_str(),
                r.pattern
            );
            let roles: Vec<&str> = op["x-roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(
                roles,
                r.access
                    .roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
            );
            documented += 1;
        }
        assert_eq!(
            operations().len(),
            documented,
            "an operation is documented that the router lacks"
        );
    }
}
