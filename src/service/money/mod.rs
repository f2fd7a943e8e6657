//! Money: the ledger's use cases (charge, grant, pay, refund, expiry, reading), programs,
//! city tax, device subsidies, and the one way a value-moving request runs (`movement`,
//! with its idempotent replay).

pub mod card_pin;
pub mod cards;
pub mod device_subsidy;
pub mod grant_requests;
pub mod idempotency;
pub mod ledger;
#[cfg(test)]
mod ledger_props;
pub mod movement;
pub mod programs;
pub mod tax;
