//! What waits for the office, counted, and today's figures, for the start pages.

use rusqlite::{Connection, params};

use crate::domain::Yen;

pub struct Waiting {
    pub applications: i64,
    pub notices: i64,
    pub store_requests: i64,
    pub device_subsidies: i64,
    pub grants: i64,
}

pub fn waiting(c: &Connection) -> rusqlite::Result<Waiting> {
    super::one(
        c,
        "SELECT (SELECT count(*) FROM store_applications WHERE status = 'submitted'),
                (SELECT count(*) FROM notices WHERE status = 'draft'),
                (SELECT count(*) FROM store_requests WHERE status = 'pending'),
                (SELECT count(*) FROM device_subsidies WHERE status = 'applied'),
                (SELECT count(*) FROM grant_requests WHERE approval = 'pending')",
        [],
        |r| {
            Ok(Waiting {
                applications: r.get(0)?,
                notices: r.get(1)?,
                store_requests: r.get(2)?,
                device_subsidies: r.get(3)?,
                grants: r.get(4)?,
            })
        },
    )
}

pub struct Day {
    pub payments: i64,
    pub paid: Yen,
    pub charged: Yen,
}

/// Payments and charges in [from, until).
pub fn day(c: &Connection, from: i64, until: i64) -> rusqlite::Result<Day> {
    super::one(
        c,
        "SELECT (SELECT count(*) FROM payments WHERE at >= ?1 AND at < ?2),
                (SELECT coalesce(sum(amount - refunded), 0) FROM payments WHERE at >= ?1 AND at < ?2),
                (SELECT coalesce(sum(amount), 0) FROM charges WHERE at >= ?1 AND at < ?2)",
        params![from, until],
        |r| {
            Ok(Day {
                payments: r.get(0)?,
                paid: Yen(r.get(1)?),
                charged: Yen(r.get(2)?),
            })
        },
    )
}
