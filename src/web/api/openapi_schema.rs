//! Builders for the OpenAPI document's schemas and responses (`openapi` and
//! `openapi_accounts` describe the operations with them).

use serde_json::{Map, Value, json};

use crate::web::router::{Method, Route};

pub(super) fn op(summary: &str, body: Option<Value>, responses: Value) -> Value {
    let mut o = json!({ "summary": summary, "responses": responses });
    if let Some(b) = body {
        o["requestBody"] =
            json!({ "required": true, "content": { "application/json": { "schema": b } } });
    }
    o
}

pub(super) fn described(mut op: Value, description: &str) -> Value {
    op["description"] = json!(description);
    op
}

pub(super) fn ok(status: u16, schema: Value) -> Value {
    json!({ status.to_string(): { "description": "success", "content": { "application/json": { "schema": schema } } } })
}

pub(super) fn with_conflict(mut responses: Value) -> Value {
    responses["409"] = error_response("conflict");
    responses
}

pub(super) fn error_response(code: &str) -> Value {
    json!({ "description": code, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

pub(super) fn path_params(r: &Route) -> Vec<Value> {
    r.pattern
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .chain(if r.method == Method::Get && matches!(r.pattern, "/api/v1/stores" | "/api/v1/me/transactions") {
            ["q", "category", "limit", "cursor"]
                .iter()
                .filter(|q| r.pattern == "/api/v1/stores" || matches!(**q, "limit" | "cursor"))
                .map(|q| {
                    let schema = if *q == "limit" { json!({ "type": "integer", "minimum": 1, "maximum": 500 }) } else { json!({ "type": "string" }) };
                    json!({ "name": q, "in": "query", "required": false, "schema": schema })
                })
                .collect::<Vec<_>>()
        } else {
            Vec::new()
        })
        .collect()
}

pub(super) fn s() -> Value {
    json!({ "type": "string" })
}

pub(super) fn int() -> Value {
    json!({ "type": "integer" })
}

pub(super) fn nullable_int() -> Value {
    json!({ "type": ["integer", "null"] })
}

pub(super) fn datetime() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

pub(super) fn clock() -> Value {
    obj(
        &[
            ("now", datetime()),
            ("frozen", json!({ "type": "boolean" })),
        ],
        &["now", "frozen"],
    )
}

pub(super) fn id_only() -> Value {
    obj(&[("id", int())], &["id"])
}

pub(super) fn obj(props: &[(&str, Value)], required: &[&str]) -> Value {
    let p: Map<String, Value> = props
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    json!({ "type": "object", "properties": p, "required": required })
}

/// A string of at least `min` characters. Schemas here are never stricter than the server
/// (every request they call invalid is refused), so fuzzing checks that refusal.
pub(super) fn text(min: usize) -> Value {
    json!({ "type": "string", "minLength": min })
}

pub(super) fn digits(n: usize) -> Value {
    json!({ "type": "string", "pattern": format!("^[0-9]{{{n}}}$") })
}

/// A request body that names its subject in exactly one of `fields`.
pub(super) fn one_of_required(mut body: Value, fields: &[&str]) -> Value {
    body["oneOf"] = fields.iter().map(|f| json!({ "required": [f] })).collect();
    body
}

/// A request body that names its subjects in at least one of `fields`.
pub(super) fn any_of_required(mut body: Value, fields: &[&str]) -> Value {
    body["anyOf"] = fields.iter().map(|f| json!({ "required": [f] })).collect();
    body
}

/// A request body: unknown fields are refused; optional fields may also be null (as
/// serde reads a missing and a null field alike).
pub(super) fn closed(props: &[(&str, Value)], required: &[&str]) -> Value {
    let props: Vec<(&str, Value)> = props
        .iter()
        .map(|(k, v)| {
            let v = if required.contains(k) {
                v.clone()
            } else {
                json!({ "anyOf": [v, { "type": "null" }] })
            };
            (*k, v)
        })
        .collect();
    let mut o = obj(&props, required);
    o["additionalProperties"] = json!(false);
    o
}

pub(super) fn list_of(item: Value) -> Value {
    obj(
        &[
            ("items", json!({ "type": "array", "items": item })),
            ("next_cursor", json!({ "type": ["string", "null"] })),
        ],
        &["items", "next_cursor"],
    )
}

pub(super) fn store_fields() -> Vec<(&'static str, Value)> {
    let opt_s = || json!({ "type": ["string", "null"] });
    let opt_n = || json!({ "type": ["number", "null"] });
    vec![
        ("name", text(1)),
        ("name_kana", text(1)),
        ("category", text(1)),
        ("address", text(1)),
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

pub(super) fn store_schema() -> Value {
    let mut f = store_fields();
    f.push(("id", int()));
    f.push(("photo_url", json!({ "type": ["string", "null"] })));
    obj(&f, &["id", "name", "name_kana", "category", "address"])
}

pub(super) fn new_store_schema() -> Value {
    let mut f = store_fields();
    f.push((
        "bank",
        closed(
            &[
                ("bank_code", digits(4)),
                ("branch_code", digits(3)),
                ("account_type", json!({ "enum": ["ordinary", "current"] })),
                ("account_number", digits(7)),
                ("holder_kana", text(1)),
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
