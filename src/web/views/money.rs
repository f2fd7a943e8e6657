//! Money partials: a balance, a history list, the programs table.

use crate::i18n::Msg;
use maud::{Markup, html};

use super::Lang;
use crate::domain::{Amount, EntryKind, Unit, Yen};

/// One slice of a balance as a resident sees it.
pub struct LotLine {
    pub program_name: String,
    pub unit: Unit,
    pub amount: Amount,
    /// "until" date text, already in the visitor's language; `None` for no expiry.
    pub until: Option<String>,
    pub restricted: bool,
}

pub struct BalanceView {
    pub total: Yen,
    /// Community points, shown beside money and never added to it.
    pub points: Amount,
    /// In spending order: the soonest to expire first.
    pub lots: Vec<LotLine>,
}

/// An amount of money as the visitor's language writes it.
pub fn yen(l: Lang, y: Yen) -> String {
    l.yen(y)
}

/// A unit's name for a column heading or a CSV cell.
pub fn unit_name(l: Lang, unit: Unit) -> &'static str {
    match unit {
        Unit::Yen => l.t(Msg::Yen),
        Unit::Points => l.t(Msg::Points),
    }
}

/// An amount in its unit, as the visitor's language writes it.
pub fn amount(l: Lang, unit: Unit, a: Amount) -> String {
    l.amount(unit, a)
}

pub fn balance(l: Lang, b: &BalanceView) -> Markup {
    html! {
        section.balance aria-labelledby="balance-h" {
            h2 #balance-h { (l.t(Msg::Balance2)) }
            p.total { (yen(l, b.total)) }
            @if b.points > Amount::ZERO || b.lots.iter().any(|x| x.unit == Unit::Points) {
                p.points { (l.t(Msg::Points2)) (amount(l, Unit::Points, b.points)) }
            }
            @if b.lots.is_empty() {
                p { (l.t(Msg::NoBalanceYet)) }
            } @else {
                ul.lots {
                    @for lot in &b.lots {
                        li {
                            span.name { (lot.program_name) @if lot.restricted { small.tag { (l.t(Msg::SelectedStoresOnly)) } } }
                            span.amount { (amount(l, lot.unit, lot.amount)) }
                            span.until { @match &lot.until { Some(u) => (u), None => (l.t(Msg::NoExpiry)) } }
                        }
                    }
                }
            }
        }
    }
}

pub struct HistoryLine {
    pub at: String,
    pub label: String,
    pub store: Option<String>,
    pub unit: Unit,
    /// Positive: value came in.
    pub delta: Amount,
}

pub fn history(l: Lang, lines: &[HistoryLine]) -> Markup {
    html! {
        @if lines.is_empty() {
            p { (l.t(Msg::NothingHereYet)) }
        } @else {
            ul.history {
                @for h in lines {
                    li {
                        span.when { (h.at) }
                        span.what { (h.label) @if let Some(s) = &h.store { " " span.store { (s) } } }
                        span class=(if h.delta.0 >= 0 { "delta in" } else { "delta out" }) {
                            (if h.delta.0 >= 0 { "+" } else { "" }) (amount(l, h.unit, h.delta))
                        }
                    }
                }
            }
        }
    }
}

/// The name of an entry kind as residents read it.
pub fn kind_label(l: Lang, kind: EntryKind) -> String {
    let msg = match kind {
        EntryKind::Charge => Msg::EntryCharge,
        EntryKind::Grant => Msg::EntryGrant,
        EntryKind::Payment => Msg::EntryPayment,
        EntryKind::Refund => Msg::EntryRefund,
        EntryKind::Expiry => Msg::EntryExpiry,
        EntryKind::Tax => Msg::EntryTax,
        EntryKind::CardMove => Msg::EntryCardMove,
    };
    l.t(msg).to_owned()
}

pub struct ProgramLine {
    pub code: String,
    pub name: String,
    pub kind: String,
    /// Waiting for approval, approved or turned down, in words.
    pub approval: String,
    pub unit: Unit,
    pub issued: Amount,
    pub outstanding: Amount,
    pub redeemed: Amount,
    pub expired: Amount,
}

/// One card per program (readable on a phone): issued = outstanding + redeemed + expired.
pub fn programs(l: Lang, rows: &[ProgramLine]) -> Markup {
    html! {
        p { (l.t(Msg::IssuedOutstandingRedeemedExpired)) }
        @for r in rows {
            section.card.program aria-labelledby={ "p-" (r.code) } {
                h2 #{ "p-" (r.code) } { a href={ "/office/programs/" (r.code) } { (r.name) } }
                p.meta { small { (r.kind) " · " (r.approval) } }
                dl.figures-list {
                    dt { (l.t(Msg::Issued)) } dd.num { (amount(l, r.unit, r.issued)) }
                    dt { (l.t(Msg::Outstanding)) } dd.num { (amount(l, r.unit, r.outstanding)) }
                    dt { (l.t(Msg::Redeemed)) } dd.num { (amount(l, r.unit, r.redeemed)) }
                    dt { (l.t(Msg::Expired)) } dd.num { (amount(l, r.unit, r.expired)) }
                }
            }
        }
    }
}
