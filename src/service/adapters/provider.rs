//! Payment providers: how a resident's credit card or bank account pays for a charge.
//! A provider is chosen by configuration (`configured`): the sandbox provider, which
//! approves everything and moves no real money, exists only in the rehearsal environment
//! (`--sandbox`, `demo`) and says so wherever it appears. A production server without a
//! real provider refuses card and bank charges (cash charges at stores still work).
//!
//! A real provider (a card acquirer or a bank's account transfer service) implements
//! `PaymentProvider` and is added to `configured`.

use crate::config::Config;
use crate::domain::{Text, Yen};
use crate::i18n::Msg;
use crate::service::{Result, ServiceError};

/// The provider the configuration asks for, if any.
pub fn configured(config: &Config) -> Option<Box<dyn PaymentProvider>> {
    config
        .sandbox
        .then(|| Box::new(SandboxProvider) as Box<dyn PaymentProvider>)
}

/// The refusal of a card or bank charge where no provider is configured.
pub fn unavailable() -> ServiceError {
    ServiceError::RuleViolation(Text::new(Msg::CardAndBankChargesAre))
}

/// A provider's approval of one charge.
pub struct Approval {
    /// The provider's reference for the payment, kept with the charge.
    pub reference: String,
}

pub trait PaymentProvider: Send + Sync {
    /// A short name stored with each charge, e.g. `sandbox`.
    fn name(&self) -> &'static str;
    /// Takes `amount` from the resident's card or account. `key` identifies the attempt, so
    /// a provider can refuse to take the same money twice.
    fn authorize(&self, method: &str, amount: Yen, key: &str) -> Result<Approval>;
    /// Gives the money back when the charge could not be recorded after approval.
    fn void(&self, approval: &Approval);
}

/// Approves every charge without moving real money. For demos, tests and rehearsals only.
pub struct SandboxProvider;

impl PaymentProvider for SandboxProvider {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn authorize(&self, method: &str, amount: Yen, key: &str) -> Result<Approval> {
        Ok(Approval {
            reference: format!("sandbox-{method}-{}-{key}", amount.0),
        })
    }

    fn void(&self, _approval: &Approval) {}
}
