//! The office gets a resident back into their account (A1, A3): after checking who is
//! asking (at the counter with an ID card, or by calling back the number on file), an
//! operator or admin reissues the password, or ends every session of a lost phone. Both
//! are audited; neither touches the resident's money.

use crate::db::{self, accounts as rows, audit, ledger, residents};
use crate::domain::{Problems, Role, Text};
use crate::i18n::Msg;
use crate::service::identity::login_limits;
use crate::service::identity::passwords::{self, Ended};
use crate::service::{
    App, Principal, Result, STAFF, ServiceError, crypto, no_problems, not_found, require,
};

/// A resident's account as the office's confirmation shows it.
pub struct ResidentAccount {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub disabled: bool,
    /// Whether a mail address is on file (the resident can then reset it themself).
    pub has_mail: bool,
}

/// The resident behind `id`, for the office (staff only; any other account is not found,
/// so a staff account cannot be reissued this way).
pub fn resident_account(app: &App, who: &Principal, id: i64) -> Result<ResidentAccount> {
    require(who, STAFF)?;
    let r = residents::found(&*app.conn()?, id)?
        .ok_or_else(|| not_found(Text::new(Msg::NoResident2).with("id", id)))?;
    Ok(ResidentAccount {
        id,
        login: r.login,
        display_name: r.display_name,
        disabled: r.disabled,
        has_mail: r.profile.mail.is_some(),
    })
}

/// What reissuing a password gave: the one-time password, shown once and stored only as
/// its hash.
pub struct Reissued {
    pub account: ResidentAccount,
    pub one_time_password: String,
    pub ended: LoggedOut,
}

/// What ending a resident's ways in ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoggedOut {
    pub ways: Ended,
    /// Payment codes shown but not used yet.
    pub payment_codes: usize,
}

/// The clerk confirms having checked who is asking; nothing happens without it.
fn identity_checked(checked: bool) -> Result<()> {
    let mut p = Problems::default();
    if !checked {
        p.add("checked", Msg::CheckIdentityFirst);
    }
    no_problems(p)
}

/// A one-time password a resident types on a phone: ten small letters and digits, none
/// that looks like another (no `l`/`1`, `o`/`0`), about 50 bits.
fn one_time_password() -> String {
    crypto::random_upper_code(10).to_ascii_lowercase()
}

fn active(account: &ResidentAccount) -> Result<()> {
    if account.disabled {
        return Err(ServiceError::Conflict(Text::new(
            Msg::ResidentAccountDisabled,
        )));
    }
    Ok(())
}

/// Reissues a resident's password: a one-time password that serves only to choose a new
/// one at the next login (`must_change_password`). Every session, API token, mailed
/// reset link and payment code of the account ends, wrong-password waits for the login
/// are lifted, and the reissue is audited.
pub fn reissue_password(app: &App, who: &Principal, id: i64, checked: bool) -> Result<Reissued> {
    let account = resident_account(app, who, id)?;
    active(&account)?;
    identity_checked(checked)?;
    let otp = one_time_password();
    let hash = crypto::hash_password(&otp)?;
    let now = app.now();
    let mut conn = app.conn()?;
    let old = rows::user_by_id(&conn, id)?
        .filter(|u| u.role == Role::Resident)
        .and_then(|u| u.password_hash)
        .unwrap_or_default();
    let ended = db::write(&mut conn, |tx| -> Result<LoggedOut> {
        passwords::replace(tx, id, &old, &hash, true, now)?;
        let ended = end_everything(tx, id, now)?;
        audit::record(
            tx,
            now,
            &who.actor,
            "resident.password_reissue",
            &format!("user:{id}"),
            &audit_detail(&ended),
        )?;
        Ok(ended)
    })?;
    login_limits::forget(app, &account.login);
    Ok(Reissued {
        account,
        one_time_password: otp,
        ended,
    })
}

/// Logs a resident out everywhere (a lost or stolen phone): every session, API token,
/// mailed reset link and payment code ends; the password stays, and so does the money.
/// Audited.
pub fn log_out_everywhere(
    app: &App,
    who: &Principal,
    id: i64,
    checked: bool,
) -> Result<(ResidentAccount, LoggedOut)> {
    let account = resident_account(app, who, id)?;
    identity_checked(checked)?;
    let now = app.now();
    let ended = db::write(&mut *app.conn()?, |tx| -> Result<LoggedOut> {
        let ended = end_everything(tx, id, now)?;
        audit::record(
            tx,
            now,
            &who.actor,
            "resident.logout_everywhere",
            &format!("user:{id}"),
            &audit_detail(&ended),
        )?;
        Ok(ended)
    })?;
    Ok((account, ended))
}

fn end_everything(tx: &rusqlite::Connection, id: i64, now: i64) -> Result<LoggedOut> {
    Ok(LoggedOut {
        ways: passwords::end_ways_in(tx, id, None, now)?,
        payment_codes: ledger::end_resident_qr_tokens(tx, id, now)?,
    })
}

fn audit_detail(e: &LoggedOut) -> serde_json::Value {
    serde_json::json!({
        "identity_checked": true,
        "sessions_ended": e.ways.sessions,
        "tokens_revoked": e.ways.tokens,
        "reset_links_ended": e.ways.links,
        "payment_codes_ended": e.payment_codes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::testkit;

    /// The use cases check the role again, whoever calls them (not only the router).
    #[test]
    fn only_staff_reach_a_residents_account_and_only_a_residents() {
        let path = std::env::temp_dir().join(format!("meguri-recovery-{}.db", std::process::id()));
        let app = testkit::fresh_app(&path);
        let resident = testkit::resident(&app, "hanako");
        let id = resident.user_id.unwrap();
        let (_, _, merchant) = testkit::store(&app, "青果店", "食料品");
        for who in [&resident, &merchant] {
            assert!(matches!(
                reissue_password(&app, who, id, true),
                Err(ServiceError::Forbidden(_))
            ));
            assert!(matches!(
                log_out_everywhere(&app, who, id, true),
                Err(ServiceError::Forbidden(_))
            ));
        }
        let office = Principal::cli();
        assert!(matches!(
            reissue_password(&app, &office, id, false),
            Err(ServiceError::Fields(p)) if p.has("checked")
        ));
        let staff = crate::service::identity::accounts::create_account(
            &mut app.conn().unwrap(),
            0,
            "cli",
            crate::service::identity::accounts::NewStaff {
                login: "clerk".into(),
                display_name: "事務局".into(),
                role: Role::Operator,
                password: None,
            },
        )
        .unwrap();
        assert!(matches!(
            reissue_password(&app, &office, staff.user_id, true),
            Err(ServiceError::NotFound(_))
        ));
        let done = reissue_password(&app, &office, id, true).unwrap();
        assert_eq!(done.account.login, "hanako");
        let user = rows::user_by_id(&app.conn().unwrap(), id).unwrap().unwrap();
        assert!(user.must_change_password);
        assert!(crypto::verify_password(
            user.password_hash.as_deref().unwrap(),
            &done.one_time_password
        ));
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
    }
}
