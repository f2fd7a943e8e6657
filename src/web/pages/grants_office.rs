//! The office's grants: a program, an amount and a list of residents typed or pasted in,
//! a preview of who gets what, sent for approval; a second admin approves and it is paid
//! (or scheduled) once, however often the button is pressed.

use crate::i18n::Msg;
use maud::{Markup, html};

use super::{message, render, status_of};
use crate::domain::program::{Approval, ProgramKind};
use crate::domain::time::parse_local_datetime;
use crate::domain::{Amount, Role, Yen};
use crate::service::crypto;
use crate::service::identity::actors::name_of;
use crate::service::money::grant_requests::{self, Draft, Preview, Recipient};
use crate::service::money::{movement, programs};
use crate::service::{ServiceError, invalid};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::programs::approval_label;
use crate::web::views::{Field, Lang, alert, csrf_field, notice};

/// What the form holds, as typed.
#[derive(Default)]
struct Typed {
    program: String,
    amount: String,
    recipients: String,
    when: String,
}

pub fn list(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let rows = grant_requests::recent(ctx.app, ctx.who()?)?;
    let all = programs::all(ctx.app);
    let body = html! {
        p { a.button href="/office/grants/new" { (l.t(Msg::NewGrant)) } }
        @if rows.is_empty() {
            p { (l.t(Msg::NoGrantRequestsYet)) }
        }
        @for r in &rows {
            @let name = all.get(&r.program).map(|p| p.name.as_str()).unwrap_or(&r.program);
            @let unit = all.get(&r.program).map(|p| p.unit()).unwrap_or(crate::domain::Unit::Yen);
            section.card {
                h2 { a href={ "/office/grants/" (r.id) } { (l.f(Msg::GrantRequestNumber, &[("id", &r.id.to_string())])) } }
                p { (name) " · " (l.f(Msg::PeopleTimesAmount, &[("n", &r.resident_ids.len().to_string()), ("amount", &l.amount(unit, r.amount))])) }
                p { span.badge { (l.t(approval_label(r.approval))) } }
            }
        }
    };
    Ok(render(ctx, 200, l.t(Msg::Grants), body))
}

pub fn new_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    form_page(ctx, 200, None, &Typed::default())
}

/// The preview: who gets what, what it costs; nothing is saved yet.
pub fn preview(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let t = typed(ctx);
    let who = ctx.who()?.clone();
    match draft(&t).and_then(|d| grant_requests::preview(ctx.app, &who, &d)) {
        Ok(p) => preview_page(ctx, &t, &p),
        Err(e) if status_of(&e) < 500 => form_page(ctx, status_of(&e), Some(&message(ctx, &e)), &t),
        Err(e) => Err(e.into()),
    }
}

/// Sends the previewed grant for approval.
pub fn request(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let t = typed(ctx);
    let who = ctx.who()?.clone();
    match draft(&t).and_then(|d| grant_requests::request(ctx.app, &who, &d)) {
        Ok(id) => Ok(Reply::redirect(&format!("/office/grants/{id}?done=sent"))),
        Err(e) if status_of(&e) < 500 => form_page(ctx, status_of(&e), Some(&message(ctx, &e)), &t),
        Err(e) => Err(e.into()),
    }
}

pub fn show(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let done = match ctx.query_get("done") {
        Some("sent") => Some(Msg::GrantSentForApproval),
        Some("paid") => Some(Msg::GrantPaidDone),
        Some("scheduled") => Some(Msg::GrantScheduledDone),
        Some("rejected") => Some(Msg::GrantRejectedDone),
        _ => None,
    };
    show_page(ctx, 200, None, done.map(|m| l.t(m)))
}

pub fn approve(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let id = ctx.param_id(0)?;
    let who = ctx.who()?.clone();
    let fp = crypto::sha256(format!("page-grant-approve {id}").as_bytes());
    let result = movement::run(
        &ctx.shared,
        &who,
        None,
        &fp,
        movement::ApproveGrant(id),
        |o| {
            (
                201,
                serde_json::json!({ "grant_id": o.grant_id, "scheduled": o.scheduled }),
            )
        },
    );
    match result {
        Ok(answer) => {
            let scheduled = serde_json::from_str::<serde_json::Value>(&answer.body)
                .is_ok_and(|v| v["scheduled"] == true);
            Ok(Reply::redirect(&format!(
                "/office/grants/{id}?done={}",
                if scheduled { "scheduled" } else { "paid" }
            )))
        }
        Err(e) if status_of(&e) < 500 => {
            show_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

pub fn reject(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let id = ctx.param_id(0)?;
    let who = ctx.who()?.clone();
    match grant_requests::reject(ctx.app, &who, id) {
        Ok(()) => Ok(Reply::redirect(&format!(
            "/office/grants/{id}?done=rejected"
        ))),
        Err(e) if status_of(&e) < 500 => {
            show_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

fn show_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    done: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let who = ctx.who()?;
    let rq = grant_requests::get(ctx.app, who, ctx.param_id(0)?)?;
    let r = &rq.row;
    let pending = r.approval == Approval::Pending;
    let total = Amount(r.amount.0 * r.resident_ids.len() as i64);
    let when = r
        .scheduled_at
        .map(|t| l.datetime(t))
        .unwrap_or_else(|| l.t(Msg::WhenApproved).to_owned());
    let unit = rq.program.unit();
    let each = l.amount(unit, r.amount);
    let body = html! {
        @if let Some(d) = done { (notice(d)) }
        @if let Some(e) = error { (alert(e)) }
        section.card {
            p { span.badge { (l.t(approval_label(r.approval))) } }
            dl {
                dt { (l.t(Msg::Program)) } dd { (rq.program.name) }
                dt { (l.t(Msg::AmountEach)) } dd { (each) }
                dt { (l.t(Msg::TotalOfTheGrant)) } dd { (l.f(Msg::PeopleTotal, &[("n", &r.resident_ids.len().to_string()), ("total", &l.amount(unit, total))])) }
                dt { (l.t(Msg::GrantWhen)) } dd { (when) }
                dt { (l.t(Msg::RequestedBy)) } dd { (name_of(ctx.app, &r.requested_by)?) " · " (l.datetime(r.requested_at)) }
                @if let (Some(by), Some(at)) = (&r.decided_by, r.decided_at) {
                    dt { (l.t(Msg::DecidedBy)) } dd { (name_of(ctx.app, by)?) " · " (l.datetime(at)) }
                }
            }
        }
        (recipients(l, &rq.recipients, &each))
        @if pending && who.role == Role::Admin && r.requested_by != who.actor {
            section.card aria-labelledby="grant-decide" {
                h2 #grant-decide { (l.t(Msg::ApproveThisGrant)) }
                p { (l.f(Msg::ApprovingPaysIt, &[("n", &r.resident_ids.len().to_string()), ("amount", &each), ("when", &when)])) }
                form method="post" action={ "/office/grants/" (r.id) "/approve" } {
                    (csrf_field(&ctx.csrf_token()))
                    button.primary type="submit" { (l.t(Msg::ApproveAndGrant)) }
                }
                form method="post" action={ "/office/grants/" (r.id) "/reject" } {
                    (csrf_field(&ctx.csrf_token()))
                    button type="submit" { (l.t(Msg::Reject)) }
                }
            }
        } @else if pending {
            p.notice role="status" { (l.t(Msg::GrantWaitsForAnotherAdmin)) }
        }
        p { a href="/office/grants" { (l.t(Msg::BackToTheList)) } }
    };
    Ok(render(
        ctx,
        status,
        &l.f(Msg::GrantRequestNumber, &[("id", &r.id.to_string())]),
        body,
    ))
}

fn preview_page(ctx: &Ctx, t: &Typed, p: &Preview) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let each = l.amount(p.program.unit(), p.amount);
    let over = p.budget_left.is_some_and(|left| p.total > left);
    let body = html! {
        @if !p.unknown.is_empty() {
            div.alert role="alert" {
                p { (l.t(Msg::TheseLinesNameNoResident)) }
                ul { @for u in &p.unknown { li { (u) } } }
            }
        }
        @if over { (alert(l.t(Msg::TheGrantIsOverBudget))) }
        section.card {
            dl {
                dt { (l.t(Msg::Program)) } dd { (p.program.name) }
                dt { (l.t(Msg::AmountEach)) } dd { (each) }
                dt { (l.t(Msg::TotalOfTheGrant)) } dd { (l.f(Msg::PeopleTotal, &[("n", &p.recipients.len().to_string()), ("total", &l.amount(p.program.unit(), p.total))])) }
                @if let Some(left) = p.budget_left { dt { (l.t(Msg::BudgetLeft)) } dd { (l.amount(p.program.unit(), left)) } }
                dt { (l.t(Msg::GrantWhen)) } dd { (p.scheduled_at.map(|t| l.datetime(t)).unwrap_or_else(|| l.t(Msg::WhenApproved).to_owned())) }
            }
        }
        (recipients(l, &p.recipients, &each))
        @if p.unknown.is_empty() && !over {
            form method="post" action="/office/grants" {
                (csrf_field(&ctx.csrf_token()))
                (hidden(t))
                button.primary type="submit" { (l.t(Msg::SendForApproval)) }
            }
        }
        form method="post" action="/office/grants/new" {
            (csrf_field(&ctx.csrf_token()))
            (hidden(t))
            button type="submit" { (l.t(Msg::ChangeTheList)) }
        }
    };
    Ok(render(ctx, 200, l.t(Msg::CheckTheGrant), body))
}

/// The form again with what was typed (from the preview's "change" button too).
pub fn form_again(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let t = typed(ctx);
    form_page(ctx, 200, None, &t)
}

fn form_page(ctx: &Ctx, status: u16, error: Option<&str>, t: &Typed) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let mut grantable: Vec<_> = programs::all(ctx.app)
        .values()
        .filter(|p| p.kind != ProgramKind::Cash && p.approval == Approval::Approved)
        .map(|p| (p.code.clone(), p.name.clone()))
        .collect();
    grantable.sort();
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        p { (l.t(Msg::AGrantIsPaidWhen)) }
        form.card method="post" action="/office/grants/preview" {
            (csrf_field(&ctx.csrf_token()))
            div.field {
                label for="f-program" { (l.t(Msg::Program)) }
                select #f-program name="program" required {
                    @for (code, name) in &grantable {
                        option value=(code) selected[*code == t.program] { (name) }
                    }
                }
            }
            (Field::new(l.t(Msg::AmountEach), "amount").value(&t.amount).required(true).render(l))
            div.field {
                label for="f-recipients" { (l.t(Msg::WhoReceivesIt)) }
                small #f-recipients-hint { (l.t(Msg::OneResidentPerLine)) }
                textarea #f-recipients name="recipients" rows="8" required aria-describedby="f-recipients-hint" { (t.recipients) }
            }
            (Field::new(l.t(Msg::GrantWhen), "when").kind("datetime-local").value(&t.when).hint(l.t(Msg::EmptyGrantsWhenApproved)).render(l))
            button.primary type="submit" { (l.t(Msg::CheckTheGrant)) }
        }
    };
    Ok(render(ctx, status, l.t(Msg::NewGrant), body))
}

fn recipients(l: Lang, rs: &[Recipient], each: &str) -> Markup {
    html! {
        div.table-scroll tabindex="0" role="region" aria-label=(l.t(Msg::WhoReceivesIt)) {
            table {
                thead { tr { th { (l.t(Msg::ResidentNumber)) } th { (l.t(Msg::LoginId)) } th { (l.t(Msg::Name2)) } th { (l.t(Msg::AmountEach)) } } }
                tbody {
                    @for r in rs {
                        tr { td { (r.resident_id) } td { (r.login) } td { (r.name) } td.num { (each) } }
                    }
                }
            }
        }
    }
}

fn hidden(t: &Typed) -> Markup {
    html! {
        input type="hidden" name="program" value=(t.program);
        input type="hidden" name="amount" value=(t.amount);
        input type="hidden" name="recipients" value=(t.recipients);
        input type="hidden" name="when" value=(t.when);
    }
}

fn typed(ctx: &Ctx) -> Typed {
    let form = ctx.form();
    let get = |k: &str| field(&form, k).unwrap_or("").trim().to_owned();
    Typed {
        program: get("program"),
        amount: get("amount"),
        recipients: get("recipients"),
        when: get("when"),
    }
}

fn draft(t: &Typed) -> Result<Draft, ServiceError> {
    let amount = Yen::parse_typed(&t.amount)
        .filter(|y| *y > Yen::ZERO)
        .ok_or_else(|| invalid(Msg::TypeTheAmountInDigits3))?;
    let scheduled_at = if t.when.is_empty() {
        None
    } else {
        Some(parse_local_datetime(&t.when).ok_or_else(|| {
            invalid(
                crate::i18n::Text::new(Msg::ChooseADateAndTimeFor)
                    .with_msg("field", Msg::GrantWhen),
            )
        })?)
    };
    Ok(Draft {
        program: t.program.clone(),
        amount: amount.into(),
        lines: t
            .recipients
            .split(['\n', ',', '、'])
            .map(str::to_owned)
            .collect(),
        scheduled_at,
    })
}
