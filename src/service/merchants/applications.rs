//! Merchant applications (加盟店申請, S2): a shop applies on the web (or the secretariat
//! types in one that came by post), with the pledge not to move currency without real
//! trade; the secretariat approves, rejects with a reason, or asks for changes. Every
//! applicant is told the result on a status page and by mail (queued in the outbox for
//! the SMTP relay). Approval creates the store, its MPM code and a first staff login named
//! after the store (the mail address, being personal data, stays sealed).

use crate::db::{self, applications as rows, audit};
use crate::domain::{Login, StoreProfile, Text, application_number};
use crate::i18n::{Lang, Msg};
use crate::service::merchants::stores;
use crate::service::{
    App, Principal, Result, STAFF, ServiceError, crypto, invalid, not_found, require,
};

pub use rows::ApplicationRow;

pub struct Application {
    pub store: StoreProfile,
    pub applicant_name: String,
    pub email: String,
    /// The pledge not to move currency without real trade (換金目的の取引をしない誓約).
    pub pledge: bool,
    /// 郵便番号, `123-4567`; it heads the store's address.
    pub postal_code: String,
    /// The language of the form, which the mails about the application speak.
    pub lang: Lang,
}

/// A Japanese postal code in the form `123-4567` (full-width digits and no hyphen taken).
pub fn normalise_postal_code(raw: &str) -> Result<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, '-' | 'ー' | '−' | '－' | ' ' | '〒'))
        .map(crate::domain::text::half_width_digit)
        .collect();
    if digits.len() == 7 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(format!("{}-{}", &digits[..3], &digits[3..]))
    } else {
        Err(invalid(Msg::PostalCodeMustLookLike))
    }
}

/// What an applicant keeps: the short number (`ABCD-EFGH`, it leads to the status page)
/// and the long secret address of that page.
pub struct Submitted {
    pub id: i64,
    pub status_token: String,
    pub number: String,
}

impl Submitted {
    /// The status page's address by the short number.
    pub fn status_path(&self) -> String {
        format!(
            "/apply/status/{}",
            application_number::display(&self.number)
        )
    }
}

pub fn submit(app: &App, who: Option<&Principal>, mut a: Application) -> Result<Submitted> {
    if let Some(p) = who {
        require(p, STAFF)?;
    }
    if !a.pledge {
        return Err(invalid(Msg::ThePledgeNotToMove));
    }
    let name = a.applicant_name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(invalid(Msg::ApplicantNameMustBe1));
    }
    let email = a.email.trim().to_ascii_lowercase();
    if rows::pending_for(&*app.conn()?, &email)? {
        return Err(ServiceError::Conflict(Text::new(
            Msg::AnApplicationFromThisE,
        )));
    }
    if Login::parse(&email).is_err() || !email.contains('@') || !email.contains('.') {
        return Err(invalid(Msg::EmailMustBeAnE));
    }
    let postal = normalise_postal_code(&a.postal_code)?;
    if !a.store.address.starts_with('〒') {
        a.store.address = format!("〒{postal} {}", a.store.address.trim());
    }
    stores::validate(&a.store)?;
    if a.store.bank.is_none() {
        return Err(invalid(Msg::TheBankAccountForSettlement));
    }
    // Stored as it will be at approval: the reading in katakana, the phone in digits.
    a.store = a.store.normalised().map_err(ServiceError::Invalid)?;
    let token = crypto::random_token();
    let now = app.now();
    let profile =
        serde_json::to_string(&a.store).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut conn = app.conn()?;
    let (id, number) = db::write(&mut conn, |tx| -> Result<(i64, String)> {
        // A number nobody holds (a clash is about one in 10^11 per application).
        let number = loop {
            let n = application_number::from_random(&crypto::random_bytes());
            if rows::by_number(tx, &crypto::sha256(n.as_bytes()))?.is_none() {
                break n;
            }
        };
        let id = rows::insert(
            tx,
            &rows::NewApplication {
                source: if who.is_some() { "post" } else { "web" },
                profile: &profile,
                applicant_name: name,
                email: &email,
                status_token: &crypto::sha256(token.as_bytes()),
                status_number: &crypto::sha256(number.as_bytes()),
                now,
                lang: a.lang.code(),
            },
        )?;
        crate::db::mail::queue_mail(
            tx,
            &email,
            a.lang.t(Msg::MailReceivedSubject),
            &a.lang.f(
                Msg::MailReceivedBody,
                &[
                    ("name", &name),
                    // The number the applicant keeps, as the receipt page shows it.
                    ("id", &application_number::display(&number)),
                    (
                        "url",
                        &format!(
                            "{}/apply/status/{}",
                            app.config.public_url.trim_end_matches('/'),
                            application_number::display(&number)
                        ),
                    ),
                ],
            ),
            now,
        )?;
        if let Some(p) = who {
            audit::record(
                tx,
                now,
                &p.actor,
                "application.enter",
                &format!("application:{id}"),
                &serde_json::json!({}),
            )?;
        }
        Ok((id, number))
    })?;
    Ok(Submitted {
        id,
        status_token: token,
        number,
    })
}

pub enum Decision {
    /// Approve, and place the store on the map where the office put it (latitude,
    /// longitude), if it did.
    Approve(Option<(f64, f64)>),
    Reject(String),
    AskForChanges(String),
}

/// What approval made: the store and its first login with a one-time password.
pub struct Approved {
    pub store_id: i64,
    pub login: String,
    pub one_time_password: String,
    /// Whether the store was placed on the map at approval.
    pub located: bool,
}

pub fn decide(app: &App, who: &Principal, id: i64, d: Decision) -> Result<Option<Approved>> {
    require(who, STAFF)?;
    let a = get(app, id)?;
    if a.status != "submitted" {
        return Err(ServiceError::Conflict(
            Text::new(Msg::ApplicationAlreadyDecided)
                .with("id", id)
                .with_msg("status", status_label(&a.status)),
        ));
    }
    if let Decision::Reject(r) | Decision::AskForChanges(r) = &d
        && r.trim().is_empty()
    {
        return Err(invalid(Msg::GiveTheReason));
    }
    let now = app.now();
    let base = app.config.public_url.trim_end_matches('/').to_owned();
    // The applicant is written to in the language of the form.
    let l = Lang::from_code(&a.lang).unwrap_or(Lang::Ja);
    let otp = crypto::random_code(12);
    let otp_hash = crypto::hash_password(&otp)?;
    let mut conn = app.conn()?;
    // The decision, the store, its login and the mail are one write: all or nothing.
    db::write(&mut conn, |tx| -> Result<Option<Approved>> {
        let (status, reason, approved, subject, body) = match &d {
            Decision::Approve(at) => {
                let mut store: StoreProfile = serde_json::from_str(&a.profile)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
                if let Some((lat, lng)) = at {
                    (store.lat, store.lng) = (Some(*lat), Some(*lng));
                    stores::validate(&store)?;
                }
                let created = stores::insert_store(tx, &who.actor, &store, now)?;
                let login = owner_login(tx, created.id)?;
                let owner =
                    stores::insert_staff(tx, &who.actor, created.id, &login, &otp_hash, true, now)?;
                crate::db::accounts::set_store_owner(tx, owner, true)?;
                let body = l.f(
                    Msg::MailApprovedBody,
                    &[
                        ("name", &a.applicant_name),
                        ("id", &id),
                        ("login", &login.as_str()),
                        ("password", &otp),
                        ("url", &format!("{base}/login")),
                    ],
                );
                let approved = Approved {
                    store_id: created.id,
                    login: login.as_str().to_owned(),
                    one_time_password: otp.clone(),
                    located: store.lat.is_some(),
                };
                (
                    "approved",
                    None,
                    Some(approved),
                    l.t(Msg::MailApprovedSubject),
                    body,
                )
            }
            Decision::Reject(reason) => {
                let body = l.f(
                    Msg::MailRejectedBody,
                    &[("name", &a.applicant_name), ("id", &id), ("reason", reason)],
                );
                (
                    "rejected",
                    Some(reason.trim().to_owned()),
                    None,
                    l.t(Msg::MailRejectedSubject),
                    body,
                )
            }
            Decision::AskForChanges(reason) => {
                let body = l.f(
                    Msg::MailChangesBody,
                    &[
                        ("name", &a.applicant_name),
                        ("id", &id),
                        ("reason", reason),
                        ("url", &format!("{base}/apply")),
                    ],
                );
                (
                    "changes_requested",
                    Some(reason.trim().to_owned()),
                    None,
                    l.t(Msg::MailChangesSubject),
                    body,
                )
            }
        };
        let store_id = approved.as_ref().map(|x| x.store_id);
        if rows::decide(tx, id, status, reason.as_deref(), store_id, &who.actor, now)? == 0 {
            return Err(ServiceError::Conflict(Text::new(Msg::DecidedMeanwhile)));
        }
        crate::db::mail::queue_mail(tx, &a.email, subject, &body, now)?;
        audit::record(
            tx,
            now,
            &who.actor,
            &format!("application.{status}"),
            &format!("application:{id}"),
            &serde_json::json!({ "reason": reason, "store_id": store_id }),
        )?;
        Ok(approved)
    })
}

/// The new owner's login: named after the store (`s12-owner`), never the mail address,
/// which is personal data and would sit in clear in the logins and the audit log. A name
/// someone already took gets a random tail.
fn owner_login(tx: &rusqlite::Transaction, store_id: i64) -> Result<Login> {
    let mut candidate = format!("s{store_id}-owner");
    while crate::db::accounts::user_by_login(tx, &candidate)?.is_some() {
        let tail = crypto::random_upper_code(4).to_ascii_lowercase();
        candidate = format!("s{store_id}-owner-{tail}");
    }
    Login::parse(&candidate).map_err(ServiceError::Invalid)
}

/// An application's state as applicants and the office read it.
pub fn status_label(s: &str) -> Msg {
    match s {
        "submitted" => Msg::ApplicationSubmitted,
        "approved" => Msg::ApplicationApproved,
        "rejected" => Msg::ApplicationRejected,
        _ => Msg::ApplicationReturned,
    }
}

pub fn get(app: &App, id: i64) -> Result<ApplicationRow> {
    rows::get(&*app.conn()?, id)?
        .ok_or_else(|| not_found(Text::new(Msg::NoApplication).with("id", id)))
}

/// The application behind a status page's address: the short number however it was
/// typed (`ABCD-EFGH`, `abcdefgh`), or the long token of the first addresses.
pub fn by_token(app: &App, token: &str) -> Result<ApplicationRow> {
    let conn = app.conn()?;
    let found = match application_number::parse(token) {
        Some(n) => rows::by_number(&conn, &crypto::sha256(n.as_bytes()))?,
        None => rows::by_token(&conn, &crypto::sha256(token.as_bytes()))?,
    };
    found.ok_or_else(|| not_found(Msg::NoSuchApplication))
}

pub fn list(app: &App, who: &Principal) -> Result<Vec<ApplicationRow>> {
    require(who, STAFF)?;
    Ok(rows::list(&*app.conn()?, 500)?)
}
