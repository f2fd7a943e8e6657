//! Programs (事業): where value comes from and the rules its lots carry: expiry, the
//! stores or categories it may be spent at, usable weekdays and dates, city tax.

use chrono::{Datelike, Days, NaiveDate, TimeZone};

use super::kinds::{Code, code_enum};
use super::money::{Amount, Rate, Unit, Yen};
use super::time::{from_unix, jst};

code_enum! {
    /// What a program's value is, which decides its unit and how it is handed out.
    ProgramKind in "program_kinds" {
        /// Money residents paid in themselves (通常チャージ).
        Cash = "cash",
        /// Bonus value paid by the city (プレミアム).
        Premium = "premium",
        /// A subsidy or gift handed out by the city (補助金, 出産・子育て応援ギフト, ...).
        Subsidy = "subsidy",
        /// Community points (地域ポイント): counted in points, never mixed with money.
        Points = "points",
    }
}

impl ProgramKind {
    /// What value of this kind is counted in.
    pub fn unit(self) -> Unit {
        match self {
            ProgramKind::Points => Unit::Points,
            ProgramKind::Cash | ProgramKind::Premium | ProgramKind::Subsidy => Unit::Yen,
        }
    }
}

code_enum! {
    /// Where a program or a grant stands: one admin sets it up, a second one approves it
    /// before it hands out any value (four eyes), or turns it down.
    Approval in "approval_states" {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
}

/// When a program hands out value (premiums on charges, charges into it, grants):
/// from `starts_at`, strictly before `ends_at`; either open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
}

impl Window {
    pub fn contains(self, t: i64) -> bool {
        self.starts_at.is_none_or(|s| t >= s) && self.ends_at.is_none_or(|e| t < e)
    }

    /// Whether two windows share an instant.
    pub fn overlaps(self, other: Window) -> bool {
        let starts_before_other_ends = match (self.starts_at, other.ends_at) {
            (Some(s), Some(e)) => s < e,
            _ => true,
        };
        let other_starts_before_this_ends = match (other.starts_at, self.ends_at) {
            (Some(s), Some(e)) => s < e,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_this_ends
    }
}

/// When the value of a lot stops being usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    Never,
    /// At this instant (Unix seconds): usable strictly before it.
    At(i64),
    /// Usable through the end of the n-th JST calendar day, counting the day of issue as
    /// day 1 (so 1 means "until midnight today").
    Days(u32),
}

impl Expiry {
    /// The expiry instant of a lot issued at `issued_at`.
    pub fn for_issue(self, issued_at: i64) -> Option<i64> {
        match self {
            Expiry::Never => None,
            Expiry::At(t) => Some(t),
            Expiry::Days(n) => {
                let day = from_unix(issued_at).date_naive();
                Some(start_of_day(day.checked_add_days(Days::new(n as u64))?))
            }
        }
    }
}

/// 00:00 JST of a calendar date, as Unix seconds.
pub fn start_of_day(d: NaiveDate) -> i64 {
    jst()
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.timestamp())
        .unwrap_or_default()
}

/// Premium on charge: `rate` of each charge, at most `cap_per_person` in total per person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChargePremium {
    pub rate: Rate,
    pub cap_per_person: Option<Yen>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub code: String,
    pub name: String,
    pub kind: ProgramKind,
    pub expiry: Expiry,
    /// Spendable only at these stores (empty: no store restriction).
    pub store_ids: Vec<i64>,
    /// Spendable only at stores of these categories (empty: no category restriction).
    pub categories: Vec<String>,
    /// ISO weekdays (1 = Monday .. 7 = Sunday) it may be spent on (empty: every day).
    pub weekdays: Vec<u32>,
    /// Spendable from this instant on.
    pub usable_from: Option<i64>,
    /// Spendable strictly before this instant.
    pub usable_until: Option<i64>,
    pub tax_payable: bool,
    /// Most value one person may receive from this program (charges and grants), in the
    /// program's unit.
    pub per_person_cap: Option<Amount>,
    /// Most value the program may issue in total, in the program's unit.
    pub budget: Option<Amount>,
    pub charge_premium: Option<ChargePremium>,
    /// Charges must be a multiple of this (最低チャージ単位).
    pub charge_unit: Yen,
    /// When it hands out value.
    pub window: Window,
    pub approval: Approval,
    /// Who set it up (an actor such as `user:3`): not the one who may approve it.
    pub created_by: String,
    pub created_at: i64,
}

/// Where value is being spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose<'a> {
    Payment { store_id: i64, category: &'a str },
    Tax,
}

impl Program {
    /// What this program's value is counted in.
    pub fn unit(&self) -> Unit {
        self.kind.unit()
    }

    /// Whether it hands out value at `now`: approved, and inside its window.
    pub fn is_running(&self, now: i64) -> bool {
        self.approval == Approval::Approved && self.window.contains(now)
    }

    /// Restricted lots (a store or category list) are spent before free ones.
    pub fn is_restricted(&self) -> bool {
        !self.store_ids.is_empty() || !self.categories.is_empty()
    }

    /// Whether value of this program may be spent for `purpose` at `now`.
    pub fn allows(&self, purpose: Purpose, now: i64) -> bool {
        let when = self.usable_from.is_none_or(|f| now >= f)
            && self.usable_until.is_none_or(|u| now < u)
            && (self.weekdays.is_empty()
                || self
                    .weekdays
                    .contains(&from_unix(now).weekday().number_from_monday()));
        let what = match purpose {
            Purpose::Tax => self.tax_payable,
            Purpose::Payment { store_id, category } => {
                (self.store_ids.is_empty() || self.store_ids.contains(&store_id))
                    && (self.categories.is_empty() || self.categories.iter().any(|c| c == category))
            }
        };
        when && what
    }

    /// The built-in program of normal charges.
    pub fn cash() -> Program {
        Program {
            code: "cash".into(),
            name: "通常チャージ".into(),
            kind: ProgramKind::Cash,
            expiry: Expiry::Never,
            store_ids: vec![],
            categories: vec![],
            weekdays: vec![],
            usable_from: None,
            usable_until: None,
            tax_payable: true,
            per_person_cap: None,
            budget: None,
            charge_premium: None,
            charge_unit: Yen(1),
            window: Window::default(),
            approval: Approval::Approved,
            created_by: String::new(),
            created_at: 0,
        }
    }

    /// When it began (or begins) to pay premiums: its start, else its creation. Of two
    /// premiums on charges running at once, the one that began later applies alone.
    pub fn began(&self) -> i64 {
        self.window.starts_at.unwrap_or(self.created_at)
    }
}

/// The premium a charge earns: the rate of the amount, never more than what is left of the
/// person's cap or of the program's budget.
pub fn charge_premium(
    amount: Yen,
    p: ChargePremium,
    received_so_far: Yen,
    budget_left: Option<Yen>,
) -> Yen {
    let mut premium = p.rate.of(amount);
    if let Some(cap) = p.cap_per_person {
        premium = premium.min(cap - received_so_far);
    }
    if let Some(left) = budget_left {
        premium = premium.min(left);
    }
    premium.max(Yen::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::parse_rfc3339;

    fn at(s: &str) -> i64 {
        parse_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn days_expire_at_jst_midnight() {
        let issued = at("2024-12-01T23:30:00+09:00");
        assert_eq!(
            Expiry::Days(1).for_issue(issued),
            Some(at("2024-12-02T00:00:00+09:00"))
        );
        assert_eq!(
            Expiry::Days(30).for_issue(issued),
            Some(at("2024-12-31T00:00:00+09:00"))
        );
        // 2024-12-01 00:30 JST is still 2024-11-30 in UTC: the JST day counts.
        assert_eq!(
            Expiry::Days(1).for_issue(at("2024-12-01T00:30:00+09:00")),
            Some(at("2024-12-02T00:00:00+09:00"))
        );
        assert_eq!(Expiry::Never.for_issue(issued), None);
    }

    #[test]
    fn restrictions() {
        let mut p = Program::cash();
        p.store_ids = vec![3];
        p.weekdays = vec![6, 7];
        let sat = at("2024-11-30T10:00:00+09:00");
        let mon = at("2024-12-02T10:00:00+09:00");
        let food = Purpose::Payment {
            store_id: 3,
            category: "食料品",
        };
        assert!(p.allows(food, sat));
        assert!(!p.allows(food, mon), "weekdays only");
        assert!(!p.allows(
            Purpose::Payment {
                store_id: 4,
                category: "食料品"
            },
            sat
        ));
        assert!(p.is_restricted());
        p.store_ids.clear();
        p.categories = vec!["飲食店".into()];
        assert!(!p.allows(food, sat));
        assert!(p.allows(
            Purpose::Payment {
                store_id: 9,
                category: "飲食店"
            },
            sat
        ));
        assert!(p.allows(Purpose::Tax, sat));
        p.tax_payable = false;
        assert!(!p.allows(Purpose::Tax, sat));
        p.usable_until = Some(sat);
        assert!(
            !p.allows(
                Purpose::Payment {
                    store_id: 9,
                    category: "飲食店"
                },
                sat
            ),
            "the end is exclusive"
        );
    }

    #[test]
    fn premium_is_capped() {
        let p = ChargePremium {
            rate: Rate(2000),
            cap_per_person: Some(Yen(5000)),
        };
        assert_eq!(charge_premium(Yen(10_000), p, Yen(0), None), Yen(2000));
        assert_eq!(charge_premium(Yen(10_000), p, Yen(4000), None), Yen(1000));
        assert_eq!(charge_premium(Yen(10_000), p, Yen(5000), None), Yen(0));
        assert_eq!(
            charge_premium(Yen(10_000), p, Yen(0), Some(Yen(300))),
            Yen(300)
        );
        assert_eq!(
            charge_premium(Yen(10_000), p, Yen(0), Some(Yen(-5))),
            Yen(0)
        );
    }

    proptest::proptest! {
        /// Two windows overlap exactly when some instant is in both.
        #[test]
        fn windows_overlap_when_they_share_an_instant(
            a in proptest::option::of(0i64..40), al in proptest::option::of(1i64..20),
            b in proptest::option::of(0i64..40), bl in proptest::option::of(1i64..20),
        ) {
            let w = |s: Option<i64>, len: Option<i64>| Window {
                starts_at: s,
                ends_at: len.map(|l| s.unwrap_or(0) + l),
            };
            let (x, y) = (w(a, al), w(b, bl));
            let shared = (-1..=80).any(|t| x.contains(t) && y.contains(t));
            proptest::prop_assert_eq!(x.overlaps(y), shared);
            proptest::prop_assert_eq!(y.overlaps(x), shared);
        }
    }

    #[test]
    fn a_program_runs_once_approved_and_inside_its_window() {
        let mut p = Program::cash();
        p.window = Window {
            starts_at: Some(100),
            ends_at: Some(200),
        };
        p.approval = Approval::Pending;
        assert!(!p.is_running(150));
        p.approval = Approval::Approved;
        assert!(!p.is_running(99) && p.is_running(100) && p.is_running(199) && !p.is_running(200));
    }
}
