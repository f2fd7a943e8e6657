//! The office's program pages: the form a clerk fills in, and a program's rules, preview
//! and approval in words.

use crate::i18n::{Msg, WEEKDAYS};
use maud::{Markup, html};

use super::{Field, Lang, csrf_field};
use crate::domain::program::Approval;

/// What the form holds, as typed (shown again after an error).
#[derive(Debug, Clone, Default)]
pub struct ProgramForm {
    pub name: String,
    pub kind: String,
    pub rate_percent: String,
    pub premium_cap: String,
    pub budget: String,
    pub per_person_cap: String,
    pub starts: String,
    pub ends: String,
    pub valid_days: String,
    pub categories: String,
    pub weekdays: Vec<u32>,
    pub tax_payable: bool,
}

/// The set-up (or edit) form posting to `action`.
pub fn form(l: Lang, f: &ProgramForm, action: &str, csrf: &str, submit: Msg) -> Markup {
    let kinds = [
        ("premium", Msg::KindPremiumOnCharge),
        ("subsidy", Msg::KindGrantOrSubsidy),
        ("points", Msg::CommunityPoints2),
    ];
    html! {
        form.card method="post" action=(action) {
            (csrf_field(csrf))
            (Field::new(l.t(Msg::ProgramName), "name").value(&f.name).required(true).render(l))
            fieldset {
                legend { (l.t(Msg::KindOfProgram)) }
                @for (code, label) in kinds {
                    label.choice {
                        input type="radio" name="kind" value=(code) required checked[f.kind == code];
                        " " (l.t(label))
                    }
                }
            }
            (Field::new(l.t(Msg::PremiumRatePercent), "rate_percent").value(&f.rate_percent).kind("text").hint(l.t(Msg::PremiumRateHint)).render(l))
            (Field::new(l.t(Msg::PremiumCapPerPerson), "premium_cap").value(&f.premium_cap).hint(l.t(Msg::LeaveEmptyForNoLimit)).render(l))
            (Field::new(l.t(Msg::BudgetOfTheProgram), "budget").value(&f.budget).hint(l.t(Msg::LeaveEmptyForNoLimit)).render(l))
            (Field::new(l.t(Msg::MostOnePersonReceives), "per_person_cap").value(&f.per_person_cap).hint(l.t(Msg::LeaveEmptyForNoLimit)).render(l))
            (Field::new(l.t(Msg::StartsAt), "starts").kind("datetime-local").value(&f.starts).hint(l.t(Msg::StartsAtHint)).render(l))
            (Field::new(l.t(Msg::EndsAt), "ends").kind("datetime-local").value(&f.ends).hint(l.t(Msg::EndsAtHint)).render(l))
            (Field::new(l.t(Msg::ValueValidForDays), "valid_days").value(&f.valid_days).hint(l.t(Msg::ValidDaysHint)).render(l))
            (Field::new(l.t(Msg::UsableCategories), "categories").value(&f.categories).hint(l.t(Msg::UsableCategoriesHint)).render(l))
            fieldset {
                legend { (l.t(Msg::UsableWeekdays)) }
                @for (i, day) in WEEKDAYS.iter().enumerate() {
                    @let n = i as u32 + 1;
                    label.choice {
                        input type="checkbox" name="weekday" value=(n) checked[f.weekdays.contains(&n)];
                        " " (l.t(*day))
                    }
                }
            }
            label.choice {
                input type="checkbox" name="tax_payable" value="on" checked[f.tax_payable];
                " " (l.t(Msg::UsableForCityTax))
            }
            button.primary type="submit" { (l.t(submit)) }
        }
    }
}

/// A program in words, as its page shows it.
pub struct ProgramView {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub approval: Approval,
    pub window: String,
    /// Rule lines in words (rate, caps, budget, validity, where and when).
    pub rules: Vec<String>,
    /// "A charge of 10,000 yen gets 2,000 yen" lines.
    pub examples: Vec<String>,
    pub set_up_by: String,
    pub decided: Option<String>,
    /// Approved premiums on charges whose period overlaps this one's.
    pub overlaps: Vec<String>,
}

/// What the viewer may do with it.
pub struct Actions {
    pub may_approve: bool,
    pub may_edit: bool,
    pub waiting_for_other: bool,
}

pub fn detail(l: Lang, p: &ProgramView, a: &Actions, csrf: &str) -> Markup {
    html! {
        section.card aria-labelledby="program-rules" {
            h2 #program-rules { (p.name) }
            p { span.badge { (l.t(approval_label(p.approval))) } " " (p.kind) }
            dl {
                dt { (l.t(Msg::Period)) } dd { (p.window) }
                dt { (l.t(Msg::SetUpBy)) } dd { (p.set_up_by) }
                @if let Some(d) = &p.decided { dt { (l.t(Msg::DecidedBy)) } dd { (d) } }
            }
            ul { @for r in &p.rules { li { (r) } } }
        }
        @if !p.examples.is_empty() {
            section.card aria-labelledby="program-preview" {
                h2 #program-preview { (l.t(Msg::PreviewOfPremiums)) }
                ul { @for e in &p.examples { li { (e) } } }
            }
        }
        @for o in &p.overlaps {
            p.notice role="note" { (l.f(Msg::ItWouldRunTogetherWith, &[("program", o)])) }
        }
        @if a.waiting_for_other {
            p.notice role="status" { (l.t(Msg::WaitingForAnotherAdmin)) }
        }
        @if a.may_edit {
            p { a.button href={ "/office/programs/" (p.code) "/edit" } { (l.t(Msg::ChangeTheProgram)) } }
        }
        @if a.may_approve {
            section.card aria-labelledby="program-decide" {
                h2 #program-decide { (l.t(Msg::ApproveThisProgram)) }
                p { (l.f(Msg::ApprovingStartsIt, &[("period", &p.window)])) }
                form method="post" action={ "/office/programs/" (p.code) "/approve" } {
                    (csrf_field(csrf))
                    button.primary type="submit" { (l.t(Msg::Approve)) }
                }
                form method="post" action={ "/office/programs/" (p.code) "/reject" } {
                    (csrf_field(csrf))
                    button type="submit" { (l.t(Msg::Reject)) }
                }
            }
        }
    }
}

pub fn approval_label(a: Approval) -> Msg {
    match a {
        Approval::Pending => Msg::WaitingForApproval,
        Approval::Approved => Msg::Approved,
        Approval::Rejected => Msg::Rejected,
    }
}
