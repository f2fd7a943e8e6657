//! The pure core: rules of the city's currency with no I/O and no clock reads.
//! Everything here takes "now" and data as parameters and is tested without a database.

pub mod account;
pub mod kana;
pub mod ratelimit;
pub mod text;
pub mod time;

pub use account::{Login, Password, Role, SessionPolicy};
pub use text::Text;
