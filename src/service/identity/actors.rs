//! Who did something, in words: the journal and the audit log record actors such as
//! `user:3`; pages show the person's name and login instead.

use crate::db;
use crate::service::{App, Result};

/// `山田 花子 (hanako)` for `user:N`; any other actor (the CLI, a token) as recorded.
pub fn name_of(app: &App, actor: &str) -> Result<String> {
    let Some(id) = actor
        .strip_prefix("user:")
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return Ok(actor.to_owned());
    };
    Ok(match db::accounts::user_by_id(&*app.conn()?, id)? {
        Some(u) => format!("{} ({})", u.display_name, u.login),
        None => actor.to_owned(),
    })
}
