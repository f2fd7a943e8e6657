//! The pure core: rules of the city's currency with no I/O and no clock reads.
//! Everything here takes "now" and data as parameters and is tested without a database.

pub mod account;
pub mod application_number;
pub mod card;
pub mod image;
pub mod journal;
pub mod kana;
pub mod kinds;
pub mod login_throttle;
pub mod lots;
pub mod maintenance;
pub mod money;
pub mod program;
pub mod ratelimit;
pub mod recovery;
pub mod store;
pub mod text;
pub mod time;
pub mod wallet;
pub mod weak_passwords;

pub use account::{Login, Password, Role, SessionPolicy};
pub use kinds::{ChargeMethod, Code, EntryKind, LotOrigin, PaymentKind};
pub use money::{Amount, Rate, Unit, Yen};
pub use store::{BankAccount, StoreProfile, StoreStatus};
pub use text::{Problems, Text};
pub use wallet::{Payer, WalletId};
