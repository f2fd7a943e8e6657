//! "Forgot your password": a resident who registered a mail address asks for a link by
//! login ID or mail address, and gets a mail (in their language) with a link that sets a
//! new password once, within half an hour (`domain::recovery`). The visitor's answer is
//! the same whether or not any account matched, so the form tells nobody which logins or
//! addresses exist; the work behind it is one transaction either way. Using the link
//! ends every other way into the account.

use crate::db::{self, accounts as rows, audit, mail, password_resets, residents};
use crate::domain::account::login_key;
use crate::domain::recovery::{LINK_SECS, MAX_ACCOUNTS_PER_REQUEST, ResetLink};
use crate::domain::text::normalise_mail;
use crate::domain::{Problems, Role, Text};
use crate::i18n::{Lang, Msg};
use crate::service::identity::login_limits;
use crate::service::identity::passwords::{self, Known};
use crate::service::{App, Result, ServiceError, crypto, no_problems};

/// Where a link goes.
struct Target {
    user_id: i64,
    login: String,
    name: String,
    mail: String,
    lang: Lang,
}

/// Asks for reset links for the residents that `identifier` (a login ID, or a mail
/// address) names and that have a mail address on file; from `address`, which is
/// limited (`login_limits::reset_request`). Answers `Ok` whether or not anything was
/// sent: a limit per account and per mail address holds back further mails silently.
pub fn request(app: &App, identifier: &str, address: &str) -> Result<()> {
    let identifier = identifier.trim();
    let mut p = Problems::default();
    if identifier.is_empty() || identifier.chars().count() > 254 {
        p.add("identifier", Msg::EnterLoginOrMail);
    }
    no_problems(p)?;
    login_limits::reset_request(app, address)?;
    let mut conn = app.conn()?;
    let targets: Vec<(Target, String)> = targets(&conn, identifier)?
        .into_iter()
        .filter(|t| {
            let mail_key = crypto::hex(&crypto::sha256(t.mail.as_bytes()));
            login_limits::reset_mail(app, t.user_id, &mail_key)
        })
        .map(|t| (t, crypto::random_token()))
        .collect();
    let now = app.now();
    let base = app.config.public_url.trim_end_matches('/').to_owned();
    db::write(&mut conn, |tx| -> Result<()> {
        password_resets::delete_old(tx, now - 86_400)?;
        for (t, token) in &targets {
            let link = ResetLink::new(now);
            password_resets::insert(tx, &crypto::sha256(token.as_bytes()), t.user_id, &link)?;
            let l = t.lang;
            let body = l.f(
                Msg::MailResetBody,
                &[
                    ("name", &t.name),
                    ("login", &t.login),
                    ("url", &format!("{base}/password/reset/{token}")),
                    ("minutes", &(LINK_SECS / 60)),
                    ("until", &l.datetime(link.expires_at)),
                ],
            );
            mail::queue_mail(tx, &t.mail, l.t(Msg::MailResetSubject), &body, now)?;
        }
        let ids: Vec<i64> = targets.iter().map(|(t, _)| t.user_id).collect();
        audit::record(
            tx,
            now,
            "visitor",
            "account.reset_request",
            "password_reset",
            &serde_json::json!({ "mailed": ids }),
        )?;
        Ok(())
    })
}

/// The residents `identifier` names who can be mailed: the login's, and those who
/// registered it as their mail address (a family may share one).
fn targets(conn: &rusqlite::Connection, identifier: &str) -> Result<Vec<Target>> {
    let mut out: Vec<Target> = Vec::new();
    if let Some(u) = rows::user_by_login(conn, &login_key(identifier))?
        && u.role == Role::Resident
        && !u.disabled
        && let Some(r) = residents::get(conn, u.id)?
        && let Some(mail) = r.mail
    {
        out.push(Target {
            user_id: u.id,
            login: u.login,
            name: u.display_name,
            mail,
            lang: Lang::from_code(&r.lang).unwrap_or(Lang::Ja),
        });
    }
    if let Ok(m) = normalise_mail(identifier) {
        for f in residents::find_by_mail(conn, &m, MAX_ACCOUNTS_PER_REQUEST as i64)? {
            let (id, Some(mail)) = (f.profile.user_id, f.profile.mail) else {
                continue;
            };
            if f.disabled || out.iter().any(|t| t.user_id == id) {
                continue;
            }
            out.push(Target {
                user_id: id,
                login: f.login,
                name: f.display_name,
                mail,
                lang: Lang::from_code(&f.profile.lang).unwrap_or(Lang::Ja),
            });
        }
    }
    out.truncate(MAX_ACCOUNTS_PER_REQUEST);
    Ok(out)
}

/// A link that no longer sets a password: unknown, used, or past its time (which one is
/// not said).
fn no_such_link() -> ServiceError {
    ServiceError::NotFound(Text::new(Msg::ResetLinkDoesNotWork))
}

/// Who a link is for, as its form greets them.
pub struct LinkFor {
    pub login: String,
    pub display_name: String,
}

fn link_user(app: &App, conn: &rusqlite::Connection, token: &str) -> Result<rows::UserRow> {
    let now = app.now();
    let (user_id, _) = password_resets::by_token(conn, &crypto::sha256(token.as_bytes()))?
        .filter(|(_, link)| link.usable(now))
        .ok_or_else(no_such_link)?;
    rows::user_by_id(conn, user_id)?
        .filter(|u| u.role == Role::Resident && !u.disabled)
        .ok_or_else(no_such_link)
}

/// Opens a link without using it (mail programs open links to look at them): whose it
/// is, while it still works.
pub fn open(app: &App, token: &str) -> Result<LinkFor> {
    let u = link_user(app, &*app.conn()?, token)?;
    Ok(LinkFor {
        login: u.login,
        display_name: u.display_name,
    })
}

/// Sets a new password through a link: the password rules apply (`new`, `again`; the
/// current and the last few passwords count as used before); the link is used up, and
/// so are the account's other links, its sessions and its API tokens. Audited. Returns
/// the account, to log its owner in.
pub fn reset(app: &App, token: &str, new: &str, again: &str) -> Result<rows::UserRow> {
    let mut conn = app.conn()?;
    let user = link_user(app, &conn, token)?;
    let mut p = Problems::default();
    let new = passwords::check_new(&conn, &user, new, Some(again), Known::Trusted, &mut p)?;
    no_problems(p)?;
    let Some(new) = new else {
        return Err(ServiceError::Internal(
            "a checked password is missing".into(),
        ));
    };
    let hash = crypto::hash_password(new.expose())?;
    let old = user.password_hash.clone().unwrap_or_default();
    let now = app.now();
    let token_hash = crypto::sha256(token.as_bytes());
    db::write(&mut conn, |tx| -> Result<()> {
        // Used at most once, even by two requests at the same moment.
        if password_resets::use_token(tx, &token_hash, now)? == 0 {
            return Err(no_such_link());
        }
        passwords::replace(tx, user.id, &old, &hash, false, now)?;
        let ended = passwords::end_ways_in(tx, user.id, None, now)?;
        audit::record(
            tx,
            now,
            &format!("user:{}", user.id),
            "account.password_reset",
            &format!("user:{}", user.id),
            &serde_json::json!({
                "by": "mail",
                "sessions_ended": ended.sessions,
                "tokens_revoked": ended.tokens,
            }),
        )?;
        Ok(())
    })?;
    login_limits::forget(app, &user.login);
    rows::user_by_id(&conn, user.id)?.ok_or_else(no_such_link)
}
