//! `meguri init`: a new database with a first admin whose one-time password is printed.

use std::path::Path;

use super::CliError;
use crate::db::{self, DbOptions};
use crate::domain::Role;
use crate::service::identity::accounts::{self, NewStaff};
use crate::service::operations::data_key;
use crate::service::operations::settings::{self, Branding};

pub struct Created {
    pub admin_login: String,
    pub admin_password: String,
}

/// Creates the database. Refuses (and changes nothing) when one exists.
pub fn run(
    path: &Path,
    data_key: &Path,
    branding: Branding,
    admin_login: &str,
    now: i64,
) -> Result<Created, CliError> {
    if path.exists() {
        return Err(CliError::AlreadyInitialised(path.display().to_string()));
    }
    let branding = branding.validate()?;
    let opts = DbOptions {
        personal: Some(data_key::load_or_create(data_key)?),
        ..DbOptions::default()
    };
    let pool = db::create(path, &opts)?;
    let mut conn = pool.get().map_err(db::DbError::from)?;
    settings::initialise(&mut conn, &branding)?;
    let admin = accounts::create_account(
        &mut conn,
        now,
        "cli",
        NewStaff {
            login: admin_login.to_owned(),
            display_name: "管理者".to_owned(),
            role: Role::Admin,
            password: None,
        },
    );
    let admin = match admin {
        Ok(a) => a,
        Err(e) => {
            // Leave no half-made database behind.
            drop(conn);
            drop(pool);
            let _ = std::fs::remove_file(path);
            return Err(e.into());
        }
    };
    Ok(Created {
        admin_login: admin.login,
        admin_password: admin.one_time_password,
    })
}
