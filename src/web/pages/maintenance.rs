//! The administrator announces a maintenance window (shown on every page beforehand) and
//! turns read-only on for an upgrade, and off again.

use maud::html;

use super::{answer_form, render};
use crate::domain::time::{format_datetime_ja, from_unix, parse_local_datetime};
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
            h2 { (l.t("読み取り専用モード", "Read-only mode")) }
            @if m.read_only {
                p.status-on { strong { (l.t("現在: 読み取り専用(支払い・チャージ・登録などを受け付けていません)", "Now: read-only (no payments, charges or registrations)")) } }
            } @else {
                p { (l.t("現在: 通常どおり受け付けています", "Now: open as usual")) }
            }
            p.small { (l.t("更新作業の前に読み取り専用にし、バックアップを取ってから作業してください。ログインと残高・履歴の表示は続けられます。", "Turn read-only on before an upgrade and take a backup. Logging in and viewing balances and history keep working.")) }
            form method="post" action="/admin/maintenance/read-only" {
                (csrf_field(&csrf))
                @if m.read_only {
                    button.primary type="submit" name="read_only" value="off" { (l.t("受付を再開する", "Open again")) }
                } @else {
                    button type="submit" name="read_only" value="on" { (l.t("読み取り専用にする", "Turn read-only on")) }
                }
            }
        }
        form.card method="post" action="/admin/maintenance" {
            (csrf_field(&csrf))
            h2 { (l.t("メンテナンスの予告", "Announce maintenance")) }
            @if let Some(w) = &m.window {
                p { (l.t("予告中: ", "Announced: ")) (format_datetime_ja(w.from)) "〜" (format_datetime_ja(w.until)) }
            }
            p.small { (l.t("すべての画面の上に、予定の日時が表示されます。", "Every page shows the announced time at the top.")) }
            (Field::new(l.t("開始", "From"), "from").kind("datetime-local").value(&from).required(true).render(l))
            (Field::new(l.t("終了(予定)", "Until (expected)"), "until").kind("datetime-local").value(&until).required(true).render(l))
            (Field::new(l.t("補足(任意、200文字まで)", "Note (optional, up to 200 characters)"), "note").value(&note).render(l))
            div.actions {
                button.primary type="submit" name="action" value="announce" { (l.t("予告する", "Announce")) }
                @if m.window.is_some() {
                    button type="submit" name="action" value="withdraw" formnovalidate { (l.t("予告を取り消す", "Withdraw")) }
                }
            }
        }
    };
    Ok(render(
        ctx,
        status,
        l.t("メンテナンス", "Maintenance"),
        body,
    ))
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
                let e = l.t(
                    "開始と終了の日時を入力してください",
                    "Enter the start and end date and time",
                );
                return page(ctx, 400, Some(e), None);
            }
        }
    };
    let done = if window.is_some() {
        l.t("予告しました。", "Announced.")
    } else {
        l.t("予告を取り消しました。", "Withdrawn.")
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
            return page(
                ctx,
                400,
                Some(l.t("操作を選んでください", "Choose on or off")),
                None,
            );
        }
    };
    maintenance::set_read_only(ctx.app, &who, on)?;
    let done = if on {
        l.t("読み取り専用にしました。", "Read-only is on.")
    } else {
        l.t("受付を再開しました。", "Open again.")
    };
    page(ctx, 200, None, Some(done))
}
