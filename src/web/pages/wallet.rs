//! The resident's money pages: balance per program with expiry, and history. The
//! secretariat's per-program ledger summary.

use maud::html;

use super::render;
use crate::domain::program::ProgramKind;
use crate::domain::time::{format_date_ja, format_datetime_en, format_datetime_ja, from_unix};
use crate::service::{ledger, programs};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::Ctx;
use crate::web::views::Lang;
use crate::web::views::money::{self, BalanceView, HistoryLine, LotLine, ProgramLine};

/// "until" text of an expiry instant: the last day it can be used (the instant is the
/// first moment it cannot).
fn until(l: Lang, expires_at: i64) -> String {
    match l {
        Lang::Ja => format!("{}まで", format_date_ja(expires_at - 1)),
        Lang::En => format!("until {}", from_unix(expires_at - 1).format("%Y-%m-%d")),
    }
}

fn when(l: Lang, t: i64) -> String {
    match l {
        Lang::Ja => format_datetime_ja(t),
        Lang::En => format_datetime_en(t),
    }
}

fn history_lines(
    ctx: &Ctx,
    resident: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<(Vec<HistoryLine>, Option<i64>), WebError> {
    let rows = ledger::history(ctx.app, resident, before, limit)?;
    let next = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.entry_id))
        .flatten();
    let lines = rows
        .into_iter()
        .map(|r| HistoryLine {
            at: when(ctx.lang, r.at),
            label: money::kind_label(ctx.lang, &r.kind),
            store: r.store.map(|s| s.1),
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
    let b = ledger::balance(ctx.app, resident)?;
    let view = BalanceView {
        total: b.total,
        lots: b
            .lots
            .into_iter()
            .map(|lot| LotLine {
                program_name: lot.program_name,
                amount: lot.amount,
                until: lot.expires_at.map(|e| until(l, e)),
                restricted: lot.restricted,
            })
            .collect(),
    };
    let (recent, _) = history_lines(ctx, resident, None, 10)?;
    let body = html! {
        p.lead { (who.display_name) (l.t(" さん、こんにちは。", ", welcome.")) }
        (money::balance(l, &view))
        section aria-labelledby="history-h" {
            h2 #history-h { (l.t("最近のご利用", "Recent activity")) }
            (money::history(l, &recent))
            p { a href="/app/history" { (l.t("利用履歴をすべて見る", "See all activity")) } }
        }
        nav.menu aria-label=(l.t("メニュー", "Menu")) {
            a.button href="/password" { (l.t("パスワードの変更", "Change password")) }
        }
    };
    Ok(render(ctx, 200, l.t("マイページ", "My page"), body))
}

/// All history, 50 lines a page, newest first.
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
    let (lines, next) = history_lines(ctx, resident, before, 50)?;
    let body = html! {
        (money::history(l, &lines))
        @if let Some(n) = next {
            p { a.button href={ "/app/history?before=" (n) } { (l.t("さらに前の履歴", "Older")) } }
        }
        p { a href="/app" { (l.t("マイページへ戻る", "Back to my page")) } }
    };
    Ok(render(ctx, 200, l.t("利用履歴", "Activity"), body))
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
                    Some(ProgramKind::Cash) => l.t("通常チャージ", "cash"),
                    Some(ProgramKind::Premium) => l.t("プレミアム", "premium"),
                    _ => l.t("補助・給付", "subsidy"),
                }
                .to_owned(),
                code: f.code,
                issued: f.issued,
                outstanding: f.outstanding,
                redeemed: f.redeemed,
                expired: f.expired,
            }
        })
        .collect();
    let body = html! {
        (money::programs(l, &rows))
        p.asof { small { (when(l, ctx.app.now())) (l.t(" 現在", "")) } }
    };
    Ok(render(ctx, 200, l.t("事業別の状況", "Programs"), body))
}
