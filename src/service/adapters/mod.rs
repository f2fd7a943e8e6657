//! Adapters to the world outside: the SMTP relay and the payment providers (the real
//! one and the sandbox).

pub mod provider;
pub mod sandbox;
pub mod smtp;
