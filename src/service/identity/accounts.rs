//! Logging in and out, sessions, API tokens and staff accounts.

use crate::i18n::Msg;
use rusqlite::Connection;

use crate::db::{self, accounts as rows, audit, residents};
use crate::domain::account::login_key;
use crate::domain::text::normalise_phone;
use crate::domain::{Login, Password, Role, Text};
use crate::service::{
    App, Principal, Result, STAFF, ServiceError, crypto, identity::login_limits, invalid,
    not_found, operations::settings, require,
};

/// Checks a login and password. The login is folded as logins are stored
/// (`login_key`: `ｔａｎａｋａ` is `tanaka`); where the city allows it, a resident may
/// type the phone number on file instead. Wrong passwords for the account from this
/// address (and, far more of them, from anywhere) make the next attempt wait, even with
/// the right password (`login_limits`), whichever way the account was named.
pub fn authenticate(
    app: &App,
    login: &str,
    password: &str,
    address: &str,
) -> Result<rows::UserRow> {
    let typed = login_key(login);
    let user = {
        let conn = app.conn()?;
        match rows::user_by_login(&conn, &typed)? {
            Some(u) => Some(u),
            None => by_phone(&conn, login)?,
        }
    };
    let key = user.as_ref().map_or(typed, |u| u.login.clone());
    login_limits::check(app, &key, address)?;
    let ok = match &user {
        Some(u) if !u.disabled => u
            .password_hash
            .as_deref()
            .is_some_and(|h| crypto::verify_password(h, password)),
        _ => {
            // Spend the same time as a real check, so timing does not reveal logins.
            crypto::verify_password(dummy_hash(), password);
            false
        }
    };
    match user {
        Some(u) if ok => {
            login_limits::succeeded(app, &key, address);
            Ok(u)
        }
        _ => {
            login_limits::failed(app, &key, address);
            Err(ServiceError::Unauthorized(Text::new(
                Msg::WrongLoginOrPassword,
            )))
        }
    }
}

/// The resident whose phone number on file is `typed`, when the city lets residents log
/// in that way. Digits are compared after folding full-width digits and hyphens. A
/// number more than one active resident registered (a family's landline) names no one:
/// they log in with their login IDs, and the answer is the same wrong-login message, so
/// it tells nothing about whose number it is.
fn by_phone(conn: &Connection, typed: &str) -> Result<Option<rows::UserRow>> {
    if !settings::phone_login(conn)? {
        return Ok(None);
    }
    let Ok(phone) = normalise_phone(typed) else {
        return Ok(None);
    };
    match residents::active_ids_by_phone(conn, &phone)?[..] {
        [id] => Ok(rows::user_by_id(conn, id)?.filter(|u| u.role == Role::Resident)),
        _ => Ok(None),
    }
}

/// The refusal of everything but changing the password while a one-time password is in
/// use: whoever was handed it (or read it over a shoulder) may do nothing else with it.
pub fn new_password_first() -> ServiceError {
    ServiceError::Forbidden(Text::new(Msg::ThisAccountStillUsesA))
}

/// A hash of a random string, checked against when a login does not exist.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crypto::hash_password(&crypto::random_token()).unwrap_or_default())
}

/// Starts a cookie session; returns the secret cookie value.
pub fn start_session(app: &App, user: &rows::UserRow) -> Result<String> {
    let token = crypto::random_token();
    let now = app.now();
    let policy = user.role.session_policy();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        rows::delete_expired_sessions(tx, now)?;
        rows::insert_session(
            tx,
            &crypto::sha256(token.as_bytes()),
            user.id,
            now,
            now + policy.max_secs,
        )?;
        Ok(())
    })?;
    Ok(token)
}

/// The person behind a session cookie, if the session is still live.
pub fn session_principal(app: &App, token: &str) -> Result<Option<Principal>> {
    let hash = crypto::sha256(token.as_bytes());
    let mut conn = app.conn()?;
    let Some(s) = rows::session(&conn, &hash)? else {
        return Ok(None);
    };
    let Some(user) = rows::user_by_id(&conn, s.user_id)?.filter(|u| !u.disabled) else {
        return Ok(None);
    };
    let now = app.now();
    if !user
        .role
        .session_policy()
        .is_live(s.created_at, s.last_seen_at, now)
        || now >= s.expires_at
    {
        db::write(&mut conn, |tx| rows::delete_session(tx, &hash))?;
        return Ok(None);
    }
    // Recording every request would make each page a write; a minute's precision is plenty.
    if now - s.last_seen_at >= 60 {
        db::write(&mut conn, |tx| rows::touch_session(tx, &hash, now))?;
    }
    Ok(Some(user_principal(&user)))
}

pub fn end_session(app: &App, token: &str) -> Result<()> {
    let hash = crypto::sha256(token.as_bytes());
    db::write(&mut *app.conn()?, |tx| rows::delete_session(tx, &hash))?;
    Ok(())
}

fn user_principal(u: &rows::UserRow) -> Principal {
    Principal {
        role: u.role,
        user_id: Some(u.id),
        store_id: u.store_id,
        display_name: u.display_name.clone(),
        actor: format!("user:{}", u.id),
        must_change_password: u.must_change_password,
    }
}

/// An API token as `POST /api/v1/auth/token` hands it out.
pub struct IssuedToken {
    pub token: String,
    pub role: Role,
    pub subject_id: Option<i64>,
    /// Obtained with a one-time password: it serves only to choose a new one.
    pub must_change_password: bool,
}

/// Exchanges a login and password for a bearer token valid for the configured lifetime.
pub fn token_for_login(
    app: &App,
    login: &str,
    password: &str,
    address: &str,
) -> Result<IssuedToken> {
    let user = authenticate(app, login, password, address)?;
    let now = app.now();
    let token = crypto::random_token();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        rows::insert_token(
            tx,
            &crypto::sha256(token.as_bytes()),
            &format!("login:{}", user.login),
            user.role,
            Some(user.id),
            now,
            Some(now + app.config.token_ttl_secs),
        )
    })?;
    Ok(IssuedToken {
        token,
        role: user.role,
        subject_id: Some(user.id),
        must_change_password: user.must_change_password,
    })
}

/// Makes a long-lived token for a city system or an operator (`meguri token create`).
/// With a subject, the token acts as that user and must carry the user's role; residents
/// and merchant staff always need one, since their data is their own.
pub fn create_token(
    conn: &mut Connection,
    now: i64,
    name: &str,
    role: Role,
    subject: Option<i64>,
) -> Result<IssuedToken> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(invalid(Msg::TokenNameMustBe1));
    }
    if let Some(id) = subject {
        let user = rows::user_by_id(conn, id)?
            .ok_or_else(|| not_found(Text::new(Msg::NoUser).with("id", id)))?;
        if user.role != role {
            return Err(invalid(
                Text::new(Msg::UserHasAnotherRole)
                    .with("id", id)
                    .with_msg("role", user.role.label()),
            ));
        }
    } else if matches!(role, Role::Resident | Role::Merchant) {
        return Err(invalid(Msg::TokenNeedsSubject));
    }
    let token = crypto::random_token();
    db::write(conn, |tx| -> Result<()> {
        let id = rows::insert_token(
            tx,
            &crypto::sha256(token.as_bytes()),
            name,
            role,
            subject,
            now,
            None,
        )?;
        audit::record(
            tx,
            now,
            "cli",
            "token.create",
            &format!("token:{id}"),
            &serde_json::json!({ "name": name, "role": role.as_str(), "subject": subject }),
        )?;
        Ok(())
    })?;
    Ok(IssuedToken {
        token,
        role,
        subject_id: subject,
        must_change_password: false,
    })
}

/// The principal behind a bearer token; `None` when unknown, expired or revoked.
pub fn token_principal(app: &App, token: &str) -> Result<Option<Principal>> {
    let mut conn = app.conn()?;
    let Some(t) = rows::token(&conn, &crypto::sha256(token.as_bytes()))? else {
        return Ok(None);
    };
    let now = app.now();
    if t.revoked() || t.expires_at.is_some_and(|e| now >= e) {
        return Ok(None);
    }
    // For `meguri token list`; a minute's precision is plenty, as for sessions. While
    // read-only nothing is written for it (sessions' last-seen is, or they would lapse).
    if t.last_used_at.is_none_or(|at| now - at >= 60)
        && !crate::service::operations::maintenance::read_only(app)
    {
        db::write(&mut conn, |tx| rows::touch_token(tx, t.id, now))?;
    }
    match t.user_id {
        Some(uid) => Ok(rows::user_by_id(&conn, uid)?
            .filter(|u| !u.disabled && u.role == t.role)
            .map(|u| Principal {
                actor: format!("user:{}/token:{}", u.id, t.id),
                ..user_principal(&u)
            })),
        None => Ok(Some(Principal {
            role: t.role,
            user_id: None,
            store_id: None,
            display_name: t.name.clone(),
            actor: format!("token:{}", t.id),
            must_change_password: false,
        })),
    }
}

/// A staff account made by an admin: it gets a one-time password that must be changed
/// at first login, unless a password is given (the demo city does that).
pub struct NewStaff {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub password: Option<String>,
}

pub struct CreatedAccount {
    pub user_id: i64,
    pub login: String,
    pub one_time_password: String,
}

/// Roles an admin can create from the accounts page.
pub const CREATABLE_ROLES: &[Role] = &[Role::Admin, Role::Operator, Role::Distributor];

pub fn create_staff(app: &App, who: &Principal, new: NewStaff) -> Result<CreatedAccount> {
    require(who, &[Role::Admin])?;
    if !CREATABLE_ROLES.contains(&new.role) {
        return Err(invalid(
            Text::new(Msg::RoleNotMadeHere).with_msg("role", new.role.label()),
        ));
    }
    let mut conn = app.conn()?;
    create_account(&mut conn, app.now(), &who.actor, new)
}

/// Shared by the admin page and `meguri init`/`demo`: inserts the user and audits it.
pub fn create_account(
    conn: &mut Connection,
    now: i64,
    actor: &str,
    new: NewStaff,
) -> Result<CreatedAccount> {
    let login = Login::parse(&new.login).map_err(ServiceError::Invalid)?;
    let display_name = new.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 60 {
        return Err(invalid(Msg::NameMustBe1To));
    }
    let (password, must_change) = match &new.password {
        Some(p) => (
            Password::parse_for(p, login.as_str())
                .map_err(ServiceError::Invalid)?
                .expose()
                .to_owned(),
            false,
        ),
        None => (crypto::random_code(12), true),
    };
    let hash = crypto::hash_password(&password)?;
    let user_id = db::write(conn, |tx| -> Result<i64> {
        let id = rows::insert_user(
            tx,
            &rows::NewUser {
                login: login.as_str(),
                password_hash: &hash,
                role: new.role,
                display_name,
                store_id: None,
                must_change_password: must_change,
                created_at: now,
            },
        )
        .map_err(|e| duplicate_login(e, login.as_str()))?;
        audit::record(
            tx,
            now,
            actor,
            "account.create",
            &format!("user:{id}"),
            &serde_json::json!({ "login": login.as_str(), "role": new.role.as_str() }),
        )?;
        Ok(id)
    })?;
    Ok(CreatedAccount {
        user_id,
        login: login.as_str().to_owned(),
        one_time_password: password,
    })
}

/// Maps a unique-constraint failure on `users.login` to a conflict the person understands.
pub fn duplicate_login(e: rusqlite::Error, login: &str) -> ServiceError {
    if db::is_unique_violation(&e) {
        ServiceError::Conflict(Text::new(Msg::TheLoginIsAlreadyTaken).with("login", login))
    } else {
        e.into()
    }
}

pub fn staff_list(app: &App, who: &Principal) -> Result<Vec<rows::UserRow>> {
    require(who, STAFF)?;
    Ok(rows::staff_users(&*app.conn()?)?)
}
