//! Identity: staff and resident accounts, passwords, login limits and API tokens, and
//! getting back into an account: the office's reissue (`recovery`), the mailed link
//! (`reset_links`), and the resident's contact details those rely on (`profile`).

pub mod accounts;
pub mod actors;
pub mod login_limits;
pub mod passwords;
pub mod profile;
pub mod recovery;
pub mod reset_links;
pub mod residents;
pub mod tokens;
