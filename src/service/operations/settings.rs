//! Deployment settings: the server secret, the city's branding, registration rules, and
//! whether residents may log in with their phone number.

use crate::i18n::{Msg, Text};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::db::{self, audit, settings as kv};
use crate::domain::Role;
use crate::domain::image::picture_type;
use crate::service::{App, Principal, Result, crypto, invalid, require};

const BRANDING: &str = "branding";
const REGISTRATION: &str = "registration_required";
const LOGO: &str = "logo";
const PHONE_LOGIN: &str = "phone_login";

/// The largest logo accepted.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// Stores the city's logo (PNG or JPEG, recognised by content, not by name).
pub fn set_logo(app: &App, who: &Principal, bytes: &[u8]) -> Result<()> {
    require(who, &[Role::Admin])?;
    let kind = picture_type(bytes).ok_or_else(|| invalid(Msg::TheLogoMustBeA))?;
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(invalid(Msg::TheLogoMustBeAt));
    }
    let mut b = app.branding();
    b.logo_type = Some(kind.to_owned());
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        kv::set(tx, LOGO, &crypto::hex(bytes))?;
        kv::set(tx, BRANDING, &serde_json::to_string(&b).unwrap_or_default())?;
        audit::record(
            tx,
            app.now(),
            &who.actor,
            "settings.logo",
            "settings",
            &serde_json::json!({ "type": kind, "bytes": bytes.len() }),
        )?;
        Ok(())
    })?;
    *app.branding.write().unwrap_or_else(|e| e.into_inner()) = b;
    Ok(())
}

/// The logo's bytes, if one was uploaded.
pub fn logo(app: &App) -> Result<Option<Vec<u8>>> {
    Ok(kv::get(&*app.conn()?, LOGO)?.and_then(|h| crypto::unhex(&h)))
}

/// How meguri presents itself: the city's name, the currency's name, its colour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branding {
    pub city_name: String,
    pub currency_name: String,
    /// Main colour as `#rrggbb`.
    pub color: String,
    /// The media type of the city's logo, when one was uploaded.
    #[serde(default)]
    pub logo_type: Option<String>,
}

impl Default for Branding {
    fn default() -> Self {
        Branding {
            city_name: "めぐり市".into(),
            currency_name: "めぐりペイ".into(),
            color: "#1b6e53".into(),
            logo_type: None,
        }
    }
}

impl Branding {
    pub fn validate(self) -> Result<Branding> {
        let city_name = self.city_name.trim().to_owned();
        let currency_name = self.currency_name.trim().to_owned();
        if city_name.is_empty() || city_name.chars().count() > 40 {
            return Err(invalid(Msg::CityNameMustBe1));
        }
        if currency_name.is_empty() || currency_name.chars().count() > 40 {
            return Err(invalid(Msg::CurrencyNameMustBe1));
        }
        let c = self.color.trim().to_ascii_lowercase();
        if !(c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit())) {
            return Err(invalid(Msg::ColourMustLookLike1b6e53));
        }
        Ok(Branding {
            city_name,
            currency_name,
            color: c,
            logo_type: self.logo_type,
        })
    }
}

/// Registration fields a city may make required (KUM-イ-b asks for phone and LINE ID).
pub const REGISTRATION_FIELDS: &[&str] = &["phone", "line_id", "age_band", "area"];

/// Writes the settings a new database needs (defaults).
pub fn initialise(conn: &mut Connection, branding: &Branding) -> Result<()> {
    crate::db::write(conn, |c| {
        kv::set(
            c,
            BRANDING,
            &serde_json::to_string(branding).unwrap_or_default(),
        )?;
        kv::set(c, REGISTRATION, "[]")?;
        Ok(())
    })
}

pub fn branding(c: &Connection) -> Result<Branding> {
    Ok(kv::get(c, BRANDING)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// The registration fields the city requires (the registration and settings pages).
pub fn required_registration_fields(app: &App) -> Result<Vec<String>> {
    required_fields(&*app.conn()?)
}

pub fn required_fields(c: &Connection) -> Result<Vec<String>> {
    Ok(kv::get(c, REGISTRATION)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// Whether residents may log in with the phone number on file instead of their login ID
/// (a deployment's choice: off unless the admin turns it on).
pub fn phone_login(c: &Connection) -> Result<bool> {
    Ok(kv::get(c, PHONE_LOGIN)?.as_deref() == Some("on"))
}

pub fn phone_login_enabled(app: &App) -> Result<bool> {
    phone_login(&*app.conn()?)
}

/// What the admin's settings page saves, all at once.
pub struct CitySettings {
    pub branding: Branding,
    /// Registration fields the city requires (of `REGISTRATION_FIELDS`).
    pub required: Vec<String>,
    pub phone_login: bool,
}

/// Saves the settings page in one transaction, each part audited (the phone login only
/// when it changes); nothing is saved when any part is refused.
pub fn save(app: &App, who: &Principal, s: CitySettings) -> Result<Branding> {
    require(who, &[Role::Admin])?;
    let b = s.branding.validate()?;
    if let Some(bad) = s
        .required
        .iter()
        .find(|f| !REGISTRATION_FIELDS.contains(&f.as_str()))
    {
        return Err(invalid(
            Text::new(Msg::UnknownRegistrationField).with("bad", bad),
        ));
    }
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        kv::set(tx, BRANDING, &serde_json::to_string(&b).unwrap_or_default())?;
        audit::record(
            tx,
            now,
            &who.actor,
            "settings.branding",
            "settings",
            &serde_json::to_value(&b).unwrap_or_default(),
        )?;
        kv::set(
            tx,
            REGISTRATION,
            &serde_json::to_string(&s.required).unwrap_or_default(),
        )?;
        audit::record(
            tx,
            now,
            &who.actor,
            "settings.registration",
            "settings",
            &serde_json::json!({ "required": s.required }),
        )?;
        if phone_login(tx)? != s.phone_login {
            kv::set(tx, PHONE_LOGIN, if s.phone_login { "on" } else { "off" })?;
            audit::record(
                tx,
                now,
                &who.actor,
                "settings.phone_login",
                "settings",
                &serde_json::json!({ "on": s.phone_login }),
            )?;
        }
        Ok(())
    })?;
    *app.branding.write().unwrap_or_else(|e| e.into_inner()) = b.clone();
    Ok(b)
}

const STORE_TERMS: &str = "store_terms";

/// The longest store terms the city can set.
pub const MAX_TERMS_CHARS: usize = 20_000;

/// The store terms (加盟店規約) as the city wrote them on its settings page; `None` while it
/// has not, and the application form links the catalogue's standard terms.
pub fn store_terms(app: &App) -> Result<Option<String>> {
    Ok(kv::get(&*app.conn()?, STORE_TERMS)?.filter(|t| !t.trim().is_empty()))
}

/// The city sets its store terms; empty text goes back to the standard terms. Audited.
pub fn set_store_terms(app: &App, who: &Principal, text: &str) -> Result<()> {
    require(who, &[Role::Admin])?;
    let text = text.trim().replace("\r\n", "\n");
    if !crate::domain::text::is_typed_text(&text) {
        return Err(invalid(
            Text::new(Msg::FieldHasControlCharacters).with_msg("field", Msg::StoreTerms),
        ));
    }
    if text.chars().count() > MAX_TERMS_CHARS {
        return Err(invalid(
            Text::new(Msg::StoreTermsTooLong).with("max", MAX_TERMS_CHARS),
        ));
    }
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        if kv::get(tx, STORE_TERMS)?.unwrap_or_default() == text {
            return Ok(());
        }
        kv::set(tx, STORE_TERMS, &text)?;
        audit::record(
            tx,
            app.now(),
            &who.actor,
            "settings.store_terms",
            "settings",
            &serde_json::json!({ "chars": text.chars().count() }),
        )?;
        Ok(())
    })
}
