//! The resident's money pages: balance per program with expiry, and history. The
//! secretariat's per-program ledger summary.

use crate::i18n::Msg;
use maud::html;

use super::render;
use crate::domain::program::{ProgramKind, start_of_day};
use crate::domain::time::{format_datetime_en, parse_date};
use crate::domain::{Code, EntryKind, Payer};
use crate::service::money::ledger::{self, HistoryFilter};
use crate::service::money::programs;
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, percent_encode};
use crate::web::views::Lang;
use crate::web::views::money::{self, BalanceView, HistoryLine, LotLine, ProgramLine};

/// "until" text of an expiry instant: the last day it can be used (the instant is the
/// first moment it cannot).
fn until(l: Lang, expires_at: i64) -> String {
    l.f(Msg::UntilDate, &[("date", &l.date(expires_at - 1))])
}

fn when(l: Lang, t: i64) -> String {
    l.datetime(t)
}

fn history_lines(
    ctx: &Ctx,
    resident: i64,
    filter: &HistoryFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<(Vec<HistoryLine>, Option<i64>), WebError> {
    let rows = ledger::history(ctx.app, Payer::Resident(resident), filter, before, limit)?;
    let next = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.entry_id))
        .flatten();
    let lines = rows
        .into_iter()
        .map(|r| HistoryLine {
            at: when(ctx.lang, r.at),
            label: money::kind_label(ctx.lang, r.kind),
            store: r.store.map(|s| s.1),
            unit: r.unit,
            delta: r.amount,
        })
        .collect();
    Ok((lines, next))
}

/// The resident's start page: balance first, then the latest history.
pub fn home(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let who = ctx.who()?.clone();
    let resident = who.user_id.ok_or(WebError::RouteNotFound)?;
    let b = ledger::balance(ctx.app, Payer::Resident(resident))?;
    let view = BalanceView {
        total: b.total,
        points: b.points,
        lots: b
            .lots
            .into_iter()
            .map(|lot| LotLine {
                program_name: lot.program_name,
                unit: lot.unit,
                amount: lot.amount,
                until: lot.expires_at.map(|e| until(l, e)),
                restricted: lot.restricted,
            })
            .collect(),
    };
    let (recent, _) = history_lines(ctx, resident, &HistoryFilter::default(), None, 10)?;
    let news = crate::service::communication::notices::published(ctx.app, 3)?;
    let simple = ctx.view().simple;
    let toggle = html! {
        p.view-toggle {
            a href={ "/view?simple=" (if simple { "off" } else { "on" }) "&next=/app" } {
                (l.t(if simple { Msg::SimpleHomeOff } else { Msg::SimpleHomeOn }))
            }
        }
    };
    if simple {
        // Balance, pay and history only, for people who want nothing else on the screen.
        let body = html! {
            section.balance.simple aria-labelledby="balance-h" {
                h2 #balance-h { (l.t(Msg::Balance2)) }
                p.total { (money::yen(l, view.total)) }
            }
            nav.actions aria-label=(l.t(Msg::PayAndCharge)) {
                a.button.primary href="/app/scan" { (l.t(Msg::ScanAStoresCodeTo)) }
                a.button href="/app/qr" { (l.t(Msg::ShowMyPaymentCode)) }
            }
            section aria-labelledby="history-h" {
                h2 #history-h { (l.t(Msg::RecentActivity)) }
                (money::history(l, &recent[..recent.len().min(5)]))
                p { a href="/app/history" { (l.t(Msg::SeeAllActivity)) } }
            }
            (toggle)
        };
        return Ok(render(ctx, 200, l.t(Msg::MyPage), body));
    }
    let body = html! {
        p.lead { (l.f(Msg::WelcomeName, &[("name", &who.display_name)])) }
        (money::balance(l, &view))
        nav.actions aria-label=(l.t(Msg::PayAndCharge)) {
            a.button.primary href="/app/scan" { (l.t(Msg::ScanAStoresCodeTo)) }
            a.button href="/app/qr" { (l.t(Msg::ShowMyPaymentCode)) }
            a.button href="/app/charge" { (l.t(Msg::Charge3)) }
            a.button href="/stores" { (l.t(Msg::FindStores)) }
        }
        (super::notices::latest(l, &news))
        section aria-labelledby="history-h" {
            h2 #history-h { (l.t(Msg::RecentActivity)) }
            (money::history(l, &recent))
            p { a href="/app/history" { (l.t(Msg::SeeAllActivity)) } }
        }
        nav.menu aria-label=(l.t(Msg::Menu)) {
            a.button href="/app/profile" { (l.t(Msg::MyDetails)) }
            a.button href="/password" { (l.t(Msg::ChangePassword2)) }
        }
        (toggle)
    };
    Ok(render(ctx, 200, l.t(Msg::MyPage), body))
}

/// The history filter of the query string: `kind` and `month` (YYYY-MM, JST).
fn filter_of(ctx: &Ctx) -> Result<(HistoryFilter, String, String), WebError> {
    let kind = ctx.query_get("kind").unwrap_or("").to_owned();
    let month = ctx.query_get("month").unwrap_or("").to_owned();
    let mut f = HistoryFilter::default();
    if !kind.is_empty() {
        f.kind = Some(
            EntryKind::parse(&kind).ok_or_else(|| WebError::BadRequest("unknown kind".into()))?,
        );
    }
    if !month.is_empty() {
        let first = parse_date(&format!("{month}-01"))
            .ok_or_else(|| WebError::BadRequest("month must look like 2024-12".into()))?;
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first);
        f.from = Some(start_of_day(first));
        f.until = Some(start_of_day(next));
    }
    Ok((f, kind, month))
}

/// All history, 50 lines a page, newest first, with filters and a CSV download.
pub fn history(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let resident = ctx.who()?.user_id.ok_or(WebError::RouteNotFound)?;
    let before = match ctx.query_get("before") {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| WebError::BadRequest("before must be a number".into()))?,
        ),
    };
    let (filter, kind, month) = filter_of(ctx)?;
    let (lines, next) = history_lines(ctx, resident, &filter, before, 50)?;
    let query = format!(
        "kind={}&month={}",
        percent_encode(&kind),
        percent_encode(&month)
    );
    let body = html! {
        form.card.search method="get" action="/app/history" {
            div.field {
                label for="f-kind" { (l.t(Msg::Kind2)) }
                select #f-kind name="kind" {
                    option value="" { (l.t(Msg::All)) }
                    @for k in EntryKind::ALL { option value=(k.code()) selected[kind == k.code()] { (money::kind_label(l, *k)) } }
                }
            }
            div.field {
                label for="f-month" { (l.t(Msg::Month)) }
                input #f-month type="month" name="month" value=(month);
            }
            button.primary type="submit" { (l.t(Msg::Filter)) }
        }
        (money::history(l, &lines))
        @if let Some(n) = next {
            p { a.button href={ "/app/history?" (query) "&before=" (n) } { (l.t(Msg::Older)) } }
        }
        p { a.button href={ "/app/history.csv?" (query) } download { (l.t(Msg::DownloadCsv)) } }
        p { a href="/app" { (l.t(Msg::BackToMyPage)) } }
    };
    Ok(render(ctx, 200, l.t(Msg::Activity), body))
}

/// The filtered history as a CSV file (at most 100,000 lines).
pub fn history_csv(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let resident = ctx.who()?.user_id.ok_or(WebError::RouteNotFound)?;
    let (filter, _, _) = filter_of(ctx)?;
    let rows = ledger::history(ctx.app, Payer::Resident(resident), &filter, None, 100_000)?;
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                format_datetime_en(r.at),
                money::kind_label(l, r.kind),
                r.store.as_ref().map(|s| s.1.clone()).unwrap_or_default(),
                r.amount.0.to_string(),
                money::unit_name(l, r.unit).to_owned(),
            ]
        })
        .collect();
    let header = [
        l.t(Msg::When),
        l.t(Msg::Kind2),
        l.t(Msg::Store2),
        l.t(Msg::Amount3),
        l.t(Msg::Unit),
    ];
    Ok(Reply::csv(
        "history.csv",
        crate::export::csv(&header, &table),
    ))
}

/// Per-program figures for the city and the secretariat.
pub fn programs_summary(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let figures = ledger::program_figures(ctx.app, ctx.who()?)?;
    let all = programs::all(ctx.app);
    let rows: Vec<ProgramLine> = figures
        .into_iter()
        .map(|f| {
            let p = all.get(&f.code);
            ProgramLine {
                name: p.map(|p| p.name.clone()).unwrap_or_else(|| f.code.clone()),
                kind: match p.map(|p| p.kind) {
                    Some(ProgramKind::Cash) => l.t(Msg::Cash),
                    Some(ProgramKind::Premium) => l.t(Msg::Premium2),
                    Some(ProgramKind::Points) => l.t(Msg::CommunityPoints2),
                    _ => l.t(Msg::Subsidy),
                }
                .to_owned(),
                approval: p
                    .map(|p| l.t(crate::web::views::programs::approval_label(p.approval)))
                    .unwrap_or_default()
                    .to_owned(),
                code: f.code,
                unit: f.unit,
                issued: f.issued,
                outstanding: f.outstanding,
                redeemed: f.redeemed,
                expired: f.expired,
            }
        })
        .collect();
    let admin = ctx.who()?.role == crate::domain::Role::Admin;
    let body = html! {
        @if admin { p { a.button href="/office/programs/new" { (l.t(Msg::NewProgram)) } } }
        (money::programs(l, &rows))
        p.asof { small { (l.f(Msg::AsOf, &[("time", &when(l, ctx.app.now()))])) } }
    };
    Ok(render(ctx, 200, l.t(Msg::Programs), body))
}
