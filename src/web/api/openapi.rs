//! The OpenAPI 3.1 description of the API, built from the route table (paths, methods,
//! roles) plus the schema of each operation below. A test keeps the two in step.

use serde_json::{Map, Value, json};

use crate::web::router::{self, Kind, Method, Route};

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
                "Set the sandbox clock; jobs that became due run at once",
                Some(closed(&[("now", datetime())], &["now"])),
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
        (
            Post,
            "/api/v1/auth/token",
            op(
                "Exchange a login and password for a bearer token",
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
            "/api/v1/residents",
            op(
                "Register a resident (self-registration, or by the secretariat)",
                Some(closed(
                    &[
                        ("login", s()),
                        ("password", s()),
                        ("display_name", s()),
                        ("phone", s()),
                        (
                            "attributes",
                            json!({ "type": "object", "additionalProperties": { "type": "string" } }),
                        ),
                    ],
                    &["login", "password", "display_name"],
                )),
                with_conflict(ok(201, id_only())),
            ),
        ),
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
                    &[("login", s()), ("password", s())],
                    &["login", "password"],
                )),
                with_conflict(ok(201, id_only())),
            ),
        ),
    ]
}

fn op(summary: &str, body: Option<Value>, responses: Value) -> Value {
    let mut o = json!({ "summary": summary, "responses": responses });
    if let Some(b) = body {
        o["requestBody"] =
            json!({ "required": true, "content": { "application/json": { "schema": b } } });
    }
    o
}

fn ok(status: u16, schema: Value) -> Value {
    json!({ status.to_string(): { "description": "success", "content": { "application/json": { "schema": schema } } } })
}

fn with_conflict(mut responses: Value) -> Value {
    responses["409"] = error_response("conflict");
    responses
}

fn error_response(code: &str) -> Value {
    json!({ "description": code, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn path_params(r: &Route) -> Vec<Value> {
    r.pattern
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .chain(if r.method == Method::Get && r.pattern == "/api/v1/stores" {
            ["q", "category", "limit", "cursor"]
                .iter()
                .map(|q| json!({ "name": q, "in": "query", "required": false, "schema": { "type": "string" } }))
                .collect::<Vec<_>>()
        } else {
            Vec::new()
        })
        .collect()
}

fn s() -> Value {
    json!({ "type": "string" })
}

fn int() -> Value {
    json!({ "type": "integer" })
}

fn nullable_int() -> Value {
    json!({ "type": ["integer", "null"] })
}

fn datetime() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

fn clock() -> Value {
    obj(&[("now", datetime())], &["now"])
}

fn id_only() -> Value {
    obj(&[("id", int())], &["id"])
}

fn obj(props: &[(&str, Value)], required: &[&str]) -> Value {
    let p: Map<String, Value> = props
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    json!({ "type": "object", "properties": p, "required": required })
}

/// A request body: unknown fields are refused.
fn closed(props: &[(&str, Value)], required: &[&str]) -> Value {
    let mut o = obj(props, required);
    o["additionalProperties"] = json!(false);
    o
}

fn list_of(item: Value) -> Value {
    obj(
        &[
            ("items", json!({ "type": "array", "items": item })),
            ("next_cursor", json!({ "type": ["string", "null"] })),
        ],
        &["items", "next_cursor"],
    )
}

fn store_fields() -> Vec<(&'static str, Value)> {
    let opt_s = || json!({ "type": ["string", "null"] });
    let opt_n = || json!({ "type": ["number", "null"] });
    vec![
        ("name", s()),
        ("name_kana", s()),
        ("category", s()),
        ("address", s()),
        ("phone", opt_s()),
        ("hours", opt_s()),
        ("holidays", opt_s()),
        ("pr", opt_s()),
        ("url", opt_s()),
        (
            "keywords",
            json!({ "type": "array", "items": { "type": "string" } }),
        ),
        ("lat", opt_n()),
        ("lng", opt_n()),
        (
            "accepts",
            json!({ "type": "array", "items": { "enum": ["money", "coupons", "points"] } }),
        ),
        ("sells_cards", json!({ "type": "boolean" })),
    ]
}

fn store_schema() -> Value {
    let mut f = store_fields();
    f.push(("id", int()));
    obj(&f, &["id", "name", "name_kana", "category", "address"])
}

fn new_store_schema() -> Value {
    let mut f = store_fields();
    f.push((
        "bank",
        closed(
            &[
                ("bank_code", s()),
                ("branch_code", s()),
                ("account_type", json!({ "enum": ["ordinary", "current"] })),
                ("account_number", s()),
                ("holder_kana", s()),
            ],
            &[
                "bank_code",
                "branch_code",
                "account_type",
                "account_number",
                "holder_kana",
            ],
        ),
    ));
    closed(&f, &["name", "name_kana", "category", "address"])
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
