//! Residents (利用者): self-registration and registration by staff, and the office's
//! search for a resident.

use crate::i18n::{Lang, Msg, Text};
use serde_json::{Map, Value};

use crate::db::{self, accounts as rows, audit, residents};
use crate::domain::account::login_key;
use crate::domain::text::{is_typed_text, normalise_mail};
use crate::domain::{Login, Password, Problems, Role};
use crate::service::operations::settings::{self, REGISTRATION_FIELDS};
use crate::service::{
    App, Principal, Result, STAFF, ServiceError, crypto, identity::accounts::duplicate_login,
    identity::login_limits, invalid, no_problems, require,
};

pub struct NewResident {
    pub login: String,
    pub password: String,
    pub display_name: String,
    pub phone: Option<String>,
    /// For a password-reset link when the password is forgotten.
    pub mail: Option<String>,
    /// The language mails to the resident speak.
    pub lang: Lang,
    /// Free attributes such as `age_band`, `area`, `line_id` (strings).
    pub attributes: Map<String, Value>,
}

/// Registration answers a resident may give besides the phone number (the fields of
/// `settings::REGISTRATION_FIELDS` the city can require).
pub const ATTRIBUTES: &[&str] = &["line_id", "age_band", "area"];

/// A visitor registers themself from `address`: limited per address, and answers "this
/// login is taken" more so, since they tell which logins exist.
pub fn register_self(app: &App, new: NewResident, address: &str) -> Result<i64> {
    login_limits::registration_attempt(app, address)?;
    let result = register(app, None, new);
    if let Err(ServiceError::Conflict(_)) = &result {
        login_limits::registration_taken(app, address);
    }
    result
}

/// Registers a resident. `who` is `None` for self-registration (use `register_self` for
/// a visitor's request); staff registrations are audited. Fields the city marks as
/// required must be present, and no others but the known ones. Every field's problem is
/// told at once (`ServiceError::Fields`, fields named as the API names them); a login
/// someone already has is a `Conflict`, the only one registration gives, found once
/// everything else is right.
pub fn register(app: &App, who: Option<&Principal>, new: NewResident) -> Result<i64> {
    if let Some(p) = who {
        require(p, STAFF)?;
    }
    if let Some(k) = new
        .attributes
        .keys()
        .find(|k| !ATTRIBUTES.contains(&k.as_str()))
    {
        let k: String = k.chars().take(40).collect();
        return Err(invalid(
            Text::new(Msg::UnknownAttribute)
                .with("name", k)
                .with("known", ATTRIBUTES.join(", ")),
        ));
    }
    let mut problems = Problems::default();
    let display_name = new.display_name.trim();
    if !is_typed_text(display_name) {
        problems.add("display_name", Msg::DisplayNameContainsControlCharacters);
    } else if display_name.is_empty() || display_name.chars().count() > 60 {
        problems.add("display_name", Msg::DisplayNameMustBe1);
    }
    let login = problems.check("login", Login::parse(&new.login));
    let password = problems.check(
        "password",
        Password::parse_for(&new.password, &login_key(&new.login)),
    );
    let phone = match new
        .phone
        .as_deref()
        .map(crate::domain::text::normalise_phone)
    {
        Some(r) => problems.check("phone", r),
        None => None,
    };
    let mail = match new.mail.as_deref().map(normalise_mail) {
        Some(r) => problems.check("mail", r),
        None => None,
    };
    for field in ATTRIBUTES {
        match new.attributes.get(*field) {
            Some(Value::String(s)) if !is_typed_text(s) => problems.add(
                field,
                Text::new(Msg::AttributeHasControlCharacters).with_label(
                    "field",
                    field_label(field),
                    field,
                ),
            ),
            Some(Value::String(s)) if s.chars().count() <= 100 => {}
            None => {}
            Some(_) => problems.add(
                field,
                Text::new(Msg::AttributeTooLong).with_label("field", field_label(field), field),
            ),
        }
    }
    let mut conn = app.conn()?;
    for field in settings::required_fields(&conn)? {
        let present = match field.as_str() {
            "phone" => new.phone.is_some(),
            other => new
                .attributes
                .get(other)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.trim().is_empty()),
        };
        let Some(name) = REGISTRATION_FIELDS.iter().find(|f| **f == field) else {
            continue;
        };
        if !present && !problems.has(name) {
            problems.add(
                name,
                Text::new(Msg::FieldRequired).with_label("field", field_label(name), name),
            );
        }
    }
    no_problems(problems)?;
    let (Some(login), Some(password)) = (login, password) else {
        return Err(ServiceError::Internal("checked fields are missing".into()));
    };
    let hash = crypto::hash_password(password.expose())?;
    let now = app.now();
    db::write(&mut conn, |tx| -> Result<i64> {
        let id = rows::insert_user(
            tx,
            &rows::NewUser {
                login: login.as_str(),
                password_hash: &hash,
                role: Role::Resident,
                display_name,
                store_id: None,
                must_change_password: false,
                created_at: now,
            },
        )
        .map_err(|e| duplicate_login(e, login.as_str()))?;
        residents::insert(
            tx,
            id,
            &residents::NewProfile {
                phone: phone.as_deref(),
                mail: mail.as_deref(),
                lang: new.lang.code(),
                attributes: &Value::Object(new.attributes),
            },
        )?;
        if let Some(p) = who {
            audit::record(
                tx,
                now,
                &p.actor,
                "resident.create",
                &format!("user:{id}"),
                &serde_json::json!({}),
            )?;
        }
        Ok(id)
    })
}

/// A resident found by the secretariat (for a call from a resident who lost their login).
pub struct Found {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub phone: Option<String>,
    /// Whether a mail address is on file (the resident can reset the password by mail).
    pub has_mail: bool,
    /// Registration answers (`line_id`, `age_band`, ...), in key order.
    pub attributes: Vec<(String, String)>,
    pub disabled: bool,
    pub registered_at: i64,
    pub balance: crate::domain::Yen,
}

/// Finds residents by phone number through its keyed hash (the number itself is sealed).
/// Every lookup is in the audit log: personal data is read, so who read it is recorded.
pub fn find_by_phone(app: &App, who: &Principal, raw_phone: &str) -> Result<Vec<Found>> {
    require(who, STAFF)?;
    let phone = normalise_phone(raw_phone)?;
    let mut conn = app.conn()?;
    let rows = residents::find_by_phone(&conn, &phone)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.profile.user_id).collect();
    let now = app.now();
    db::write(&mut conn, |tx| -> Result<()> {
        audit::record(
            tx,
            now,
            &who.actor,
            "resident.lookup",
            "residents",
            &serde_json::json!({ "by": "phone", "found": ids }),
        )?;
        Ok(())
    })?;
    drop(conn);
    rows.into_iter()
        .map(|r| {
            let attributes = match r.profile.attributes {
                Value::Object(m) => m
                    .into_iter()
                    .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
                    .collect(),
                _ => Vec::new(),
            };
            Ok(Found {
                id: r.profile.user_id,
                balance: crate::service::money::ledger::balance(
                    app,
                    crate::domain::Payer::Resident(r.profile.user_id),
                )?
                .total,
                login: r.login,
                display_name: r.display_name,
                phone: r.profile.phone,
                has_mail: r.profile.mail.is_some(),
                attributes,
                disabled: r.disabled,
                registered_at: r.created_at,
            })
        })
        .collect()
}

/// The name of a registration field people read; `None` for a field the city named.
pub fn field_label(field: &str) -> Option<Msg> {
    match field {
        "phone" => Some(Msg::FieldPhone),
        "line_id" => Some(Msg::FieldLineId),
        "age_band" => Some(Msg::FieldAgeBand),
        "area" => Some(Msg::FieldArea),
        _ => None,
    }
}

/// A Japanese phone number: 10 or 11 digits, hyphens and spaces allowed, stored as digits.
pub fn normalise_phone(raw: &str) -> Result<String> {
    crate::domain::text::normalise_phone(raw).map_err(ServiceError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(normalise_phone("090-1234-5678").unwrap(), "09012345678");
        assert_eq!(
            normalise_phone("０２７(３８２)１１１１").unwrap(),
            "0273821111"
        );
        assert!(normalise_phone("12345").is_err());
        assert!(normalise_phone("190-1234-5678").is_err());
        assert!(normalise_phone("090-1234-567a").is_err());
    }
}
