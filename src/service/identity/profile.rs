//! A resident's own contact details: the phone number, the mail address a forgotten
//! password can be reset through, and the language mails speak. Changing the mail
//! address needs the current password (whoever holds a session on a lost phone must not
//! redirect the reset links), and the old address is told of the change.

use crate::db::{self, accounts as rows, mail, residents};
use crate::domain::text::{normalise_mail, normalise_phone};
use crate::domain::{Problems, Role, Text};
use crate::i18n::{Lang, Msg};
use crate::service::identity::login_limits;
use crate::service::operations::settings;
use crate::service::{App, Principal, Result, crypto, no_problems, not_found, require};

/// What the resident's details page shows.
pub struct Contact {
    pub login: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub mail: Option<String>,
    pub lang: Lang,
    /// Whether the city requires a phone number.
    pub phone_required: bool,
}

pub fn contact(app: &App, who: &Principal) -> Result<Contact> {
    require(who, &[Role::Resident])?;
    let id = who.user_id.ok_or_else(|| not_found(Msg::NoResident))?;
    let conn = app.conn()?;
    let r = residents::found(&conn, id)?.ok_or_else(|| not_found(Msg::NoResident))?;
    Ok(Contact {
        login: r.login,
        display_name: r.display_name,
        phone: r.profile.phone,
        mail: r.profile.mail,
        lang: Lang::from_code(&r.profile.lang).unwrap_or(Lang::Ja),
        phone_required: settings::required_fields(&conn)?
            .iter()
            .any(|f| f == "phone"),
    })
}

/// New contact details as typed; empty fields are `None`.
pub struct ContactChange<'a> {
    pub phone: Option<&'a str>,
    pub mail: Option<&'a str>,
    /// `None` when the form sent none (or an unknown one).
    pub lang: Option<Lang>,
    /// Needed only when the mail address changes.
    pub current_password: &'a str,
    /// The client's address, for the wrong-password limit.
    pub address: &'a str,
}

/// Saves the resident's contact details; every problem is told by its field (`phone`,
/// `mail`, `lang`, `current`).
pub fn change_contact(app: &App, who: &Principal, change: ContactChange) -> Result<()> {
    let before = contact(app, who)?;
    let id = who.user_id.ok_or_else(|| not_found(Msg::NoResident))?;
    let mut p = Problems::default();
    let phone = match change.phone.map(normalise_phone) {
        Some(r) => p.check("phone", r),
        None if before.phone_required => {
            p.add(
                "phone",
                Text::new(Msg::FieldRequired).with_msg("field", Msg::FieldPhone),
            );
            None
        }
        None => None,
    };
    let mail = match change.mail.map(normalise_mail) {
        Some(r) => p.check("mail", r).map(Some),
        None => Some(None),
    };
    if change.lang.is_none() {
        p.add("lang", Msg::ChooseALanguage);
    }
    let mail_changes = mail.as_ref().is_some_and(|m| *m != before.mail);
    if mail_changes {
        check_password(app, id, &before.login, &change, &mut p)?;
    }
    no_problems(p)?;
    let (Some(mail), Some(lang)) = (mail, change.lang) else {
        return Err(crate::service::ServiceError::Internal(
            "checked fields are missing".into(),
        ));
    };
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        residents::set_contact(tx, id, phone.as_deref(), mail.as_deref(), lang.code())?;
        if mail_changes && let Some(old) = &before.mail {
            // In the language mails spoke until now: the one the old address knows.
            let l = before.lang;
            let body = l.f(
                Msg::MailAddressChangedBody,
                &[("name", &before.display_name), ("login", &before.login)],
            );
            mail::queue_mail(tx, old, l.t(Msg::MailAddressChangedSubject), &body, now)?;
        }
        Ok(())
    })
}

/// The current password, for a change of the mail address: wrong ones count like wrong
/// logins.
fn check_password(
    app: &App,
    id: i64,
    login: &str,
    change: &ContactChange,
    p: &mut Problems,
) -> Result<()> {
    if change.current_password.is_empty() {
        p.add("current", Msg::CurrentPasswordToChangeMail);
        return Ok(());
    }
    login_limits::check(app, login, change.address)?;
    let hash = rows::user_by_id(&*app.conn()?, id)?
        .and_then(|u| u.password_hash)
        .unwrap_or_default();
    if crypto::verify_password(&hash, change.current_password) {
        login_limits::succeeded(app, login, change.address);
    } else {
        login_limits::failed(app, login, change.address);
        p.add("current", Msg::TheCurrentPasswordIsWrong);
    }
    Ok(())
}
