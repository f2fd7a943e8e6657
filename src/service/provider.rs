//! Payment providers: how a resident's credit card or bank account pays for a charge.
//! The deployment plugs in its provider; the sandbox provider approves everything and
//! moves no real money, and says so wherever it appears.

use super::Result;
use crate::domain::Yen;

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
