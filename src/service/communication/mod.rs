//! Communication: notices to residents and stores.

pub mod notices;
