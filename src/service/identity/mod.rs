//! Identity: staff and resident accounts, passwords, login limits and API tokens.

pub mod accounts;
pub mod actors;
pub mod login_limits;
pub mod passwords;
pub mod residents;
pub mod tokens;
