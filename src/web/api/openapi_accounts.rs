//! The OpenAPI description of the account operations: tokens, who the caller is, the
//! password, registration (beside `openapi`, which keeps the rest).

use serde_json::{Value, json};

use super::openapi_schema::{closed, id_only, nullable_int, obj, ok, op, s, text, with_conflict};
use crate::web::router::Method;

pub fn operations() -> Vec<(Method, &'static str, Value)> {
    use Method::*;
    vec![
        (
            Post,
            "/api/v1/auth/token",
            op(
                "Exchange a login and password for a bearer token. A token obtained with a \
                 one-time password (must_change_password) serves only POST /api/v1/me/password. \
                 Wrong passwords make the next attempt from the same address wait longer each \
                 time (429 says until when). The login is matched as logins are stored (NFKC, \
                 trimmed, lower case: a full-width ｔａｎａｋａ is tanaka); where the city turned \
                 it on, a resident may give the phone number on file instead",
                Some(closed(
                    &[("login", s()), ("password", s())],
                    &["login", "password"],
                )),
                ok(
                    200,
                    obj(
                        &[
                            ("token", s()),
                            ("role", s()),
                            ("subject_id", nullable_int()),
                            ("must_change_password", json!({ "type": "boolean" })),
                        ],
                        &["token", "role", "subject_id"],
                    ),
                ),
            ),
        ),
        (
            Get,
            "/api/v1/me",
            op(
                "Who the caller is",
                None,
                ok(
                    200,
                    obj(
                        &[
                            ("role", s()),
                            ("subject_id", nullable_int()),
                            ("display_name", s()),
                            ("store_id", nullable_int()),
                        ],
                        &["role"],
                    ),
                ),
            ),
        ),
        (
            Post,
            "/api/v1/me/password",
            op(
                "Change the caller's password. The new one may not be the current (one-time) \
                 one, one of the last five, a common one or one made from the login. Every \
                 bearer token of the account (this one too) is revoked and its other sessions \
                 end; a wrong current password counts like a failed login",
                Some(closed(
                    &[("current", s()), ("new", text(8))],
                    &["current", "new"],
                )),
                ok(
                    200,
                    obj(&[("changed", json!({ "type": "boolean" }))], &["changed"]),
                ),
            ),
        ),
        (
            Post,
            "/api/v1/residents",
            op(
                "Register a resident (self-registration, limited per address; or by the \
                 secretariat)",
                Some(closed(
                    &[
                        ("login", text(3)),
                        ("password", text(8)),
                        ("display_name", text(1)),
                        ("phone", text(10)),
                        ("mail", text(3)),
                        ("attributes", attributes()),
                    ],
                    &["login", "password", "display_name"],
                )),
                with_conflict(ok(201, id_only())),
            ),
        ),
    ]
}

/// The registration answers the city may ask for; no others.
fn attributes() -> Value {
    let answer = json!({ "type": "string", "maxLength": 100 });
    json!({
        "type": "object",
        "properties": crate::service::identity::residents::ATTRIBUTES
            .iter()
            .map(|k| (k.to_string(), answer.clone()))
            .collect::<serde_json::Map<String, Value>>(),
        "additionalProperties": false,
    })
}
