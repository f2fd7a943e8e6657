//! `meguri rotate-data-key`: seals every personal value under a new key.

use std::path::Path;

use super::CliError;
use crate::service::operations::data_key::{self, Rotated};

pub fn rotate(db: &Path, key: &Path) -> Result<Rotated, CliError> {
    Ok(data_key::rotate(db, key)?)
}
