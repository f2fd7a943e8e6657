//! The administrator announces a maintenance window (shown on every page beforehand) and
//! turns read-only on for an upgrade, and off again.

use crate::i18n::Msg;
use maud::html;

use super::{answer_form, render};
use crate::domain::time::{from_unix, parse_local_datetime};
use crate::service::operations::maintenance;
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{Field, alert, csrf_field, notice};

pub fn show(ctx: &mut Ctx) -> Result<Reply, WebError> {
    page(ctx, 200, None, None)
}

fn page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    saved: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let m = maintenance::state(ctx.app);
    let csrf = ctx.csrf_token();
    let local = |t: i64| from_unix(t).format("%Y-%m-%dT%H:%M").to_string();
    let (from, until, note) = match &m.window {
        Some(w) => (local(w.from), local(w.until), w.note.clone()),
        None => Default::default(),
    };
    let body = html! {
        @if let Some(s) = saved { (notice(s)) }
        @if let Some(e) = error { (alert(e)) }
        section.card {
            h2 { (l.t(Msg::ReadOnlyMode)) }
            @if m.read_only {
                p.status-on { strong { (l.t(Msg::NowReadOnlyNoPayments)) } }
            } @else {
                p { (l.t(Msg::NowOpenAsUsual)) }
            }
            p.small { (l.t(Msg::TurnReadOnlyOnBefore)) }
            form method="post" action="/admin/maintenance/read-only" {
                (csrf_field(&csrf))
                @if m.read_only {
                    button.primary type="submit" name="read_only" value="off" { (l.t(Msg::OpenAgain)) }
                } @else {
                    button type="submit" name="read_only" value="on" { (l.t(Msg::TurnReadOnlyOn)) }
                }
            }
        }
        form.card method="post" action="/admin/maintenance" {
            (csrf_field(&csrf))
            h2 { (l.t(Msg::AnnounceMaintenance)) }
            @if let Some(w) = &m.window {
                p { (l.t(Msg::Announced)) (l.datetime(w.from)) "〜" (l.datetime(w.until)) }
            }
            p.small { (l.t(Msg::EveryPageShowsTheAnnounced)) }
            (Field::new(l.t(Msg::From), "from").kind("datetime-local").value(&from).required(true).render(l))
            (Field::new(l.t(Msg::UntilExpected), "until").kind("datetime-local").value(&until).required(true).render(l))
            (Field::new(l.t(Msg::NoteOptionalUpTo200), "note").value(&note).render(l))
            div.actions {
                button.primary type="submit" name="action" value="announce" { (l.t(Msg::Announce)) }
                @if m.window.is_some() {
                    button type="submit" name="action" value="withdraw" formnovalidate { (l.t(Msg::Withdraw)) }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::Maintenance), body))
}

pub fn announce(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let who = ctx.who()?.clone();
    let window = if field(&f, "action") == Some("withdraw") {
        None
    } else {
        let time = |name: &str| field(&f, name).and_then(parse_local_datetime);
        match (time("from"), time("until")) {
            (Some(from), Some(until)) => {
                Some((from, until, field(&f, "note").unwrap_or("").to_owned()))
            }
            _ => {
                let e = l.t(Msg::EnterTheStartAndEnd);
                return page(ctx, 400, Some(e), None);
            }
        }
    };
    let done = if window.is_some() {
        l.t(Msg::Announced2)
    } else {
        l.t(Msg::Withdrawn)
    };
    answer_form(
        ctx,
        maintenance::announce(ctx.app, &who, window),
        page,
        200,
        done,
    )
}

pub fn set_read_only(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let who = ctx.who()?.clone();
    let on = match field(&f, "read_only") {
        Some("on") => true,
        Some("off") => false,
        _ => {
            return page(ctx, 400, Some(l.t(Msg::ChooseOnOrOff)), None);
        }
    };
    maintenance::set_read_only(ctx.app, &who, on)?;
    let done = if on {
        l.t(Msg::ReadOnlyIsOn)
    } else {
        l.t(Msg::OpenAgain2)
    };
    page(ctx, 200, None, Some(done))
}
