//! The office's programs: set one up (it waits), change it while it waits, and a second
//! admin approves or turns it down; each program's page says its rules in words with a
//! preview of the premiums it pays.

use crate::i18n::{Msg, Text};
use maud::html;

use super::{message, render, status_of};
use crate::domain::money::{Amount, Rate, Yen};
use crate::domain::program::{
    Approval, ChargePremium, Expiry, Program, ProgramKind, Window, charge_premium,
};
use crate::domain::time::{from_unix, parse_local_datetime};
use crate::service::identity::actors::name_of;
use crate::service::money::programs::{self, NewProgram};
use crate::service::{Principal, ServiceError, invalid};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::programs::{self as view, Actions, ProgramForm, ProgramView};
use crate::web::views::{Lang, alert, notice};

pub fn new_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let f = ProgramForm {
        kind: "premium".into(),
        ..ProgramForm::default()
    };
    form_page(ctx, 200, None, &f, None)
}

pub fn create(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let f = typed(ctx);
    let code = free_code(ctx);
    let who = ctx.who()?.clone();
    let result = parse(&f, code).and_then(|n| programs::propose(ctx.app, &who, n));
    saved(ctx, result, &f, None, "set-up")
}

pub fn edit_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let p = programs::get(ctx.app, param(ctx))?;
    form_page(ctx, 200, None, &as_form(&p), Some(&p.code))
}

pub fn save(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let code = param(ctx).to_owned();
    let f = typed(ctx);
    let who = ctx.who()?.clone();
    let result = parse(&f, code.clone()).and_then(|n| programs::edit(ctx.app, &who, n));
    saved(ctx, result, &f, Some(&code), "saved")
}

pub fn approve(ctx: &mut Ctx) -> Result<Reply, WebError> {
    decide(ctx, true)
}

pub fn reject(ctx: &mut Ctx) -> Result<Reply, WebError> {
    decide(ctx, false)
}

pub fn show(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let done = match ctx.query_get("done") {
        Some("set-up") => Some(Msg::ProgramSetUpWaits),
        Some("saved") => Some(Msg::Saved),
        Some("approved") => Some(Msg::ProgramApprovedDone),
        Some("rejected") => Some(Msg::ProgramRejectedDone),
        _ => None,
    };
    show_page(ctx, 200, None, done.map(|m| l.t(m)))
}

fn show_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    done: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let who = ctx.who()?;
    let p = programs::get(ctx.app, param(ctx))?;
    let decided = match programs::decision(ctx.app, who, &p.code)? {
        Some((by, at)) => Some(format!("{} · {}", name_of(ctx.app, &by)?, l.datetime(at))),
        None => None,
    };
    let pending = p.approval == Approval::Pending;
    let admin = who.role == crate::domain::Role::Admin;
    let mine = p.created_by == who.actor;
    let actions = Actions {
        may_approve: pending && admin && !mine,
        may_edit: pending && admin,
        waiting_for_other: pending && mine,
    };
    let mut v = view_of(l, &p, decided);
    v.set_up_by = name_of(ctx.app, &p.created_by)?;
    v.overlaps = programs::overlapping_premiums(ctx.app, &p);
    let body = html! {
        @if let Some(d) = done { (notice(d)) }
        @if let Some(e) = error { (alert(e)) }
        (view::detail(l, &v, &actions, &ctx.csrf_token()))
        p { a href="/office/programs" { (l.t(Msg::BackToTheList)) } }
    };
    Ok(render(ctx, status, &p.name, body))
}

fn decide(ctx: &mut Ctx, approve: bool) -> Result<Reply, WebError> {
    let code = param(ctx).to_owned();
    let who: Principal = ctx.who()?.clone();
    match programs::decide(ctx.app, &who, &code, approve) {
        // Post/Redirect/Get: a reload shows the result and sends nothing again.
        Ok(_) => Ok(Reply::redirect(&format!(
            "/office/programs/{code}?done={}",
            if approve { "approved" } else { "rejected" }
        ))),
        Err(e) if status_of(&e) < 500 => {
            show_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

fn saved(
    ctx: &Ctx,
    result: Result<Program, ServiceError>,
    f: &ProgramForm,
    editing: Option<&str>,
    done: &str,
) -> Result<Reply, WebError> {
    match result {
        Ok(p) => Ok(Reply::redirect(&format!(
            "/office/programs/{}?done={done}",
            p.code
        ))),
        Err(e) if status_of(&e) < 500 => {
            form_page(ctx, status_of(&e), Some(&message(ctx, &e)), f, editing)
        }
        Err(e) => Err(e.into()),
    }
}

fn form_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    f: &ProgramForm,
    editing: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let (title, action, submit) = match editing {
        Some(code) => (
            l.t(Msg::ChangeTheProgram),
            format!("/office/programs/{code}/edit"),
            Msg::SaveAndKeepWaiting,
        ),
        None => (
            l.t(Msg::NewProgram),
            "/office/programs".to_owned(),
            Msg::SetUpAndAskForApproval,
        ),
    };
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        p { (l.t(Msg::ANewProgramWaitsFor)) }
        (view::form(l, f, &action, &ctx.csrf_token(), submit))
    };
    Ok(render(ctx, status, title, body))
}

fn param<'c>(ctx: &'c Ctx) -> &'c str {
    ctx.params.first().map(String::as_str).unwrap_or("")
}

/// A code nobody has to invent: `p` and today's date, numbered.
fn free_code(ctx: &Ctx) -> String {
    let all = programs::all(ctx.app);
    let day = from_unix(ctx.app.now()).format("%Y%m%d").to_string();
    (1..)
        .map(|n| format!("p{day}-{n}"))
        .find(|c| !all.contains_key(c))
        .unwrap_or_default()
}

fn typed(ctx: &Ctx) -> ProgramForm {
    let form = ctx.form();
    let get = |k: &str| field(&form, k).unwrap_or("").trim().to_owned();
    ProgramForm {
        name: get("name"),
        kind: get("kind"),
        rate_percent: get("rate_percent"),
        premium_cap: get("premium_cap"),
        budget: get("budget"),
        per_person_cap: get("per_person_cap"),
        starts: get("starts"),
        ends: get("ends"),
        valid_days: get("valid_days"),
        categories: get("categories"),
        weekdays: form
            .iter()
            .filter(|(k, _)| k == "weekday")
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
        tax_payable: field(&form, "tax_payable") == Some("on"),
    }
}

/// The typed form as the program it describes; a field that does not read says which.
fn parse(f: &ProgramForm, code: String) -> Result<NewProgram, ServiceError> {
    let bad = |m: Msg| invalid(Text::new(m));
    let yen = |s: &str, m: Msg| -> Result<Option<Yen>, ServiceError> {
        if s.is_empty() {
            return Ok(None);
        }
        Yen::parse_typed(s)
            .filter(|y| *y > Yen::ZERO)
            .map(Some)
            .ok_or_else(|| invalid(Text::new(Msg::TypeAWholeNumberFor).with_msg("field", m)))
    };
    let when = |s: &str, m: Msg| -> Result<Option<i64>, ServiceError> {
        if s.is_empty() {
            return Ok(None);
        }
        parse_local_datetime(s)
            .map(Some)
            .ok_or_else(|| invalid(Text::new(Msg::ChooseADateAndTimeFor).with_msg("field", m)))
    };
    let kind = match f.kind.as_str() {
        "premium" => ProgramKind::Premium,
        "subsidy" => ProgramKind::Subsidy,
        "points" => ProgramKind::Points,
        _ => return Err(bad(Msg::ChooseAKindOfProgram)),
    };
    let rate = if f.rate_percent.is_empty() {
        None
    } else {
        let typed: String = f
            .rate_percent
            .trim_end_matches(['%', '％'])
            .chars()
            .map(crate::domain::text::half_width_digit)
            .map(|c| if c == '．' { '.' } else { c })
            .collect();
        Some(
            typed
                .parse::<f64>()
                .ok()
                .and_then(Rate::from_percent)
                .ok_or_else(|| bad(Msg::TypeTheRateAsA))?,
        )
    };
    if kind == ProgramKind::Premium && rate.is_none() {
        return Err(bad(Msg::APremiumProgramNeedsA));
    }
    let valid_days = if f.valid_days.is_empty() {
        Expiry::Never
    } else {
        match f
            .valid_days
            .chars()
            .map(crate::domain::text::half_width_digit)
            .collect::<String>()
            .parse::<u32>()
        {
            Ok(d) if (1..=36_500).contains(&d) => Expiry::Days(d),
            _ => {
                return Err(invalid(
                    Text::new(Msg::TypeAWholeNumberFor).with_msg("field", Msg::ValueValidForDays),
                ));
            }
        }
    };
    Ok(NewProgram {
        code,
        name: f.name.clone(),
        kind,
        expiry: valid_days,
        store_ids: vec![],
        categories: f
            .categories
            .split([',', '、', '，'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
        weekdays: f.weekdays.clone(),
        usable_from: None,
        usable_until: None,
        tax_payable: Some(f.tax_payable),
        per_person_cap: yen(&f.per_person_cap, Msg::MostOnePersonReceives)?.map(Amount::from),
        budget: yen(&f.budget, Msg::BudgetOfTheProgram)?.map(Amount::from),
        charge_premium: match (kind, rate) {
            (ProgramKind::Premium, Some(rate)) => Some(ChargePremium {
                rate,
                cap_per_person: yen(&f.premium_cap, Msg::PremiumCapPerPerson)?,
            }),
            _ => None,
        },
        charge_unit: None,
        window: Window {
            starts_at: when(&f.starts, Msg::StartsAt)?,
            ends_at: when(&f.ends, Msg::EndsAt)?,
        },
    })
}

fn as_form(p: &Program) -> ProgramForm {
    let local = |t: Option<i64>| {
        t.map(|t| from_unix(t).format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    };
    let yen = |y: Option<Yen>| y.map(|y| y.0.to_string()).unwrap_or_default();
    ProgramForm {
        name: p.name.clone(),
        kind: p.kind.to_string(),
        rate_percent: p
            .charge_premium
            .map(|c| (c.rate.0 as f64 / 100.0).to_string())
            .unwrap_or_default(),
        premium_cap: yen(p.charge_premium.and_then(|c| c.cap_per_person)),
        budget: p.budget.map(|a| a.0.to_string()).unwrap_or_default(),
        per_person_cap: p
            .per_person_cap
            .map(|a| a.0.to_string())
            .unwrap_or_default(),
        starts: local(p.window.starts_at),
        ends: local(p.window.ends_at),
        valid_days: match p.expiry {
            Expiry::Days(d) => d.to_string(),
            _ => String::new(),
        },
        categories: p.categories.join("、"),
        weekdays: p.weekdays.clone(),
        tax_payable: p.tax_payable,
    }
}

/// The program's rules and premiums in the reader's words.
fn view_of(l: Lang, p: &Program, decided: Option<String>) -> ProgramView {
    let window = match (p.window.starts_at, p.window.ends_at) {
        (None, None) => l.t(Msg::NoSetPeriod).to_owned(),
        (Some(s), None) => l.f(Msg::FromTime, &[("from", &l.datetime(s))]),
        (None, Some(e)) => l.f(Msg::UntilTime, &[("to", &l.datetime(e))]),
        (Some(s), Some(e)) => l.f(
            Msg::FromTimeToTime,
            &[("from", &l.datetime(s)), ("to", &l.datetime(e))],
        ),
    };
    let unit = p.unit();
    let mut rules = vec![];
    if let Some(cp) = p.charge_premium {
        rules.push(l.f(
            Msg::PremiumRateOfCharges,
            &[("rate", &format!("{}%", cp.rate.0 as f64 / 100.0))],
        ));
        if let Some(cap) = cp.cap_per_person {
            rules.push(l.f(Msg::PremiumAtMostPerPerson, &[("amount", &l.yen(cap))]));
        }
    }
    if let Some(b) = p.budget {
        rules.push(l.f(Msg::BudgetIs, &[("amount", &l.amount(unit, b))]));
    }
    if let Some(c) = p.per_person_cap {
        rules.push(l.f(
            Msg::OnePersonReceivesAtMost,
            &[("amount", &l.amount(unit, c))],
        ));
    }
    rules.push(match p.expiry {
        Expiry::Never => l.t(Msg::ValueDoesNotExpire).to_owned(),
        Expiry::Days(d) => l.f(Msg::ValueValidForNDays, &[("n", &d.to_string())]),
        Expiry::At(t) => l.f(Msg::ValueValidUntil, &[("time", &l.datetime(t))]),
    });
    if !p.categories.is_empty() {
        rules.push(l.f(
            Msg::OnlyAtCategories,
            &[("categories", &p.categories.join("、"))],
        ));
    }
    if !p.weekdays.is_empty() {
        let days: Vec<&str> = p
            .weekdays
            .iter()
            .filter_map(|d| crate::i18n::WEEKDAYS.get(*d as usize - 1))
            .map(|m| l.t(*m))
            .collect();
        rules.push(l.f(Msg::OnlyOnWeekdays, &[("days", &days.join(" "))]));
    }
    if p.tax_payable {
        rules.push(l.t(Msg::UsableForCityTax).to_owned());
    }
    let examples = p
        .charge_premium
        .map(|cp| {
            [1_000, 5_000, 10_000, 30_000]
                .iter()
                .map(|c| {
                    let premium = charge_premium(Yen(*c), cp, Yen::ZERO, p.budget.map(Amount::yen));
                    l.f(
                        Msg::AChargeOfGets,
                        &[("charge", &l.yen(Yen(*c))), ("premium", &l.yen(premium))],
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    ProgramView {
        code: p.code.clone(),
        name: p.name.clone(),
        kind: l.t(match p.kind {
            ProgramKind::Cash => Msg::Cash,
            ProgramKind::Premium => Msg::Premium2,
            ProgramKind::Points => Msg::CommunityPoints2,
            ProgramKind::Subsidy => Msg::Subsidy,
        }),
        approval: p.approval,
        window,
        rules,
        examples,
        set_up_by: String::new(),
        decided,
        overlaps: vec![],
    }
}
