//! Money: the ledger's use cases (charge, grant, pay, refund, expiry, reading), programs,
//! city tax, device subsidies and the idempotent replay of value-moving requests.

pub mod device_subsidy;
pub mod idempotency;
pub mod ledger;
#[cfg(test)]
mod ledger_props;
pub mod programs;
pub mod tax;
