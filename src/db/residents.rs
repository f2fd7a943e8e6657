//! Resident profiles (the personal data beside a resident's user row), sealed at rest
//! (`db::personal`); the phone number and the mail address are found through their
//! keyed hashes.

use rusqlite::{Connection, OptionalExtension, params};

pub struct ResidentRow {
    pub user_id: i64,
    pub phone: Option<String>,
    pub attributes: serde_json::Value,
    pub mail: Option<String>,
    /// The language mails to the resident speak (`crate::i18n::Lang::code`).
    pub lang: String,
}

/// What a new profile holds.
pub struct NewProfile<'a> {
    pub phone: Option<&'a str>,
    pub mail: Option<&'a str>,
    pub lang: &'a str,
    pub attributes: &'a serde_json::Value,
}

/// A resident as the secretariat finds them: the profile with the login beside it.
pub struct FoundResident {
    pub profile: ResidentRow,
    pub login: String,
    pub display_name: String,
    pub disabled: bool,
    pub created_at: i64,
}

pub fn insert(c: &Connection, user_id: i64, p: &NewProfile) -> rusqlite::Result<()> {
    super::exec(
        c,
        "INSERT INTO residents (user_id, phone, phone_index, attributes, mail, mail_index, lang)
         VALUES (?1, pii_seal('residents.phone', ?2), pii_index(?2),
                 pii_seal('residents.attributes', ?3),
                 pii_seal('residents.mail', ?4), pii_index(?4), ?5)",
        params![user_id, p.phone, p.attributes.to_string(), p.mail, p.lang],
    )?;
    Ok(())
}

/// Changes how a resident is reached: phone, mail address and the mails' language.
pub fn set_contact(
    c: &Connection,
    user_id: i64,
    phone: Option<&str>,
    mail: Option<&str>,
    lang: &str,
) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE residents SET phone = pii_seal('residents.phone', ?2), phone_index = pii_index(?2),
                mail = pii_seal('residents.mail', ?3), mail_index = pii_index(?3), lang = ?4
         WHERE user_id = ?1",
        params![user_id, phone, mail, lang],
    )
}

const PROFILE_COLS: &str = "r.user_id, pii_open('residents.phone', r.phone), \
     pii_open('residents.attributes', r.attributes), pii_open('residents.mail', r.mail), r.lang";

/// The columns after `PROFILE_COLS`.
const AFTER_PROFILE: usize = 5;

fn profile_from_row(r: &rusqlite::Row) -> rusqlite::Result<ResidentRow> {
    let attrs: String = r.get(2)?;
    Ok(ResidentRow {
        user_id: r.get(0)?,
        phone: r.get(1)?,
        attributes: serde_json::from_str(&attrs).unwrap_or_default(),
        mail: r.get(3)?,
        lang: r.get(4)?,
    })
}

pub fn get(c: &Connection, user_id: i64) -> rusqlite::Result<Option<ResidentRow>> {
    super::one(
        c,
        &format!("SELECT {PROFILE_COLS} FROM residents r WHERE r.user_id = ?1"),
        [user_id],
        profile_from_row,
    )
    .optional()
}

fn found_from_row(r: &rusqlite::Row) -> rusqlite::Result<FoundResident> {
    Ok(FoundResident {
        profile: profile_from_row(r)?,
        login: r.get(AFTER_PROFILE)?,
        display_name: r.get(AFTER_PROFILE + 1)?,
        disabled: r.get(AFTER_PROFILE + 2)?,
        created_at: r.get(AFTER_PROFILE + 3)?,
    })
}

/// Residents whose keyed-hash column `index` matches `value`, oldest first.
fn find_by(
    c: &Connection,
    index: &str,
    value: &str,
    limit: i64,
) -> rusqlite::Result<Vec<FoundResident>> {
    let mut st = c.prepare(&format!(
        "SELECT {PROFILE_COLS}, u.login, pii_open('users.display_name', u.display_name),
                u.disabled, u.created_at
         FROM residents r JOIN users u ON u.id = r.user_id
         WHERE r.{index} = pii_index(?1) ORDER BY r.user_id LIMIT ?2"
    ))?;
    st.query_map(params![value, limit], found_from_row)?
        .collect()
}

/// Residents registered with this phone number (normalised digits), oldest first.
pub fn find_by_phone(c: &Connection, phone: &str) -> rusqlite::Result<Vec<FoundResident>> {
    find_by(c, "phone_index", phone, 50)
}

/// The active residents registered with this phone number (at most two: enough to tell
/// whether it names one).
pub fn active_ids_by_phone(c: &Connection, phone: &str) -> rusqlite::Result<Vec<i64>> {
    let mut st = c.prepare(
        "SELECT r.user_id FROM residents r JOIN users u ON u.id = r.user_id
         WHERE r.phone_index = pii_index(?1) AND u.disabled = 0 ORDER BY r.user_id LIMIT 2",
    )?;
    st.query_map([phone], |r| r.get(0))?.collect()
}

/// Residents registered with this mail address (normalised), oldest first.
pub fn find_by_mail(
    c: &Connection,
    mail: &str,
    limit: i64,
) -> rusqlite::Result<Vec<FoundResident>> {
    find_by(c, "mail_index", mail, limit)
}

/// A resident with the login beside the profile.
pub fn found(c: &Connection, user_id: i64) -> rusqlite::Result<Option<FoundResident>> {
    super::one(
        c,
        &format!(
            "SELECT {PROFILE_COLS}, u.login, pii_open('users.display_name', u.display_name),
                    u.disabled, u.created_at
             FROM residents r JOIN users u ON u.id = r.user_id WHERE r.user_id = ?1"
        ),
        [user_id],
        found_from_row,
    )
    .optional()
}

pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    super::one(c, "SELECT count(*) FROM residents", [], |r| r.get(0))
}
