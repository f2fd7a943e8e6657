//! The office's start pages: what waits for someone (applications, notices, change
//! requests, device subsidies, programs and grants to approve) and today's figures.

use chrono::Days;

use crate::db;
use crate::domain::program::{Approval, start_of_day};
use crate::domain::time::from_unix;
use crate::service::money::programs;
use crate::service::{App, Principal, Result, STAFF, require};

pub use crate::db::attention::Day;

pub struct Waiting {
    pub applications: i64,
    pub notices: i64,
    pub store_requests: i64,
    pub device_subsidies: i64,
    pub programs: i64,
    pub grants: i64,
}

impl Waiting {
    pub fn is_empty(&self) -> bool {
        self.applications
            + self.notices
            + self.store_requests
            + self.device_subsidies
            + self.programs
            + self.grants
            == 0
    }
}

pub fn waiting(app: &App, who: &Principal) -> Result<Waiting> {
    require(who, STAFF)?;
    let w = db::attention::waiting(&*app.conn()?)?;
    Ok(Waiting {
        applications: w.applications,
        notices: w.notices,
        store_requests: w.store_requests,
        device_subsidies: w.device_subsidies,
        programs: programs::all(app)
            .values()
            .filter(|p| p.approval == Approval::Pending)
            .count() as i64,
        grants: w.grants,
    })
}

/// Payments and charges of today (JST).
pub fn today(app: &App, who: &Principal) -> Result<Day> {
    require(who, STAFF)?;
    let day = from_unix(app.now()).date_naive();
    let from = start_of_day(day);
    let until = day
        .checked_add_days(Days::new(1))
        .map(start_of_day)
        .unwrap_or(i64::MAX);
    Ok(db::attention::day(&*app.conn()?, from, until)?)
}
