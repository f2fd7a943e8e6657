//! Importing the city's store list: upload, check every row, then import all or nothing.

use maud::html;

use super::{message, render, status_of};
use crate::service::merchants::store_import::{self, Row};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{Lang, alert, csrf_field, notice};

pub fn form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    upload_page(ctx, 200, None)
}

fn upload_page(ctx: &Ctx, status: u16, error: Option<&str>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        p { (l.t("市の加盟店一覧(Excel .xlsx または CSV)を取り込みます。1行目は見出し(管理番号・店名・店名カナ・業種・住所、任意で電話番号・営業時間・定休日・PR・URL・キーワード・緯度・経度)です。管理番号が同じ店舗は更新されます。", "Import the city's store list (.xlsx or CSV). The first row holds the headings; a known 管理番号 updates that store.")) }
        form.card method="post" action="/office/stores/import" enctype="multipart/form-data" {
            (csrf_field(&ctx.csrf_token()))
            div.field {
                label for="f-file" { (l.t("ファイル", "File")) }
                input #f-file type="file" name="file" accept=".xlsx,.csv,text/csv" required;
            }
            button.primary type="submit" { (l.t("内容を確認する", "Check the file")) }
        }
    };
    Ok(render(
        ctx,
        status,
        l.t("加盟店一覧の取り込み", "Import stores"),
        body,
    ))
}

fn preview(ctx: &Ctx, rows: Vec<Row>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let ja = l == Lang::Ja;
    let checked = store_import::check(ctx.app, ctx.who()?, rows, ja)?;
    let bad = checked.iter().filter(|c| c.error.is_some()).count();
    let rows_json =
        serde_json::to_string(&checked.iter().map(|c| c.row.clone()).collect::<Vec<_>>())
            .unwrap_or_default();
    let body = html! {
        @if bad > 0 {
            (alert(&format!("{}{}", bad, l.t(" 行に誤りがあります。直してから、もう一度アップロードしてください(何も取り込んでいません)。", " rows have errors. Fix them and upload again (nothing was imported)."))))
        } @else {
            (notice(&format!("{}{}", checked.len(), l.t(" 行を取り込めます。", " rows can be imported."))))
        }
        table {
            thead { tr { th { (l.t("行", "Line")) } th { (l.t("管理番号", "Key")) } th { (l.t("店名", "Name")) } th { (l.t("結果", "Result")) } } }
            tbody {
                @for c in &checked {
                    tr class=[c.error.as_ref().map(|_| "bad")] {
                        td { (c.row.line) } td { (c.row.key) } td { (c.row.store.name) }
                        td { @match &c.error { Some(e) => strong.error { (e) }, None => (if c.update { l.t("更新", "update") } else { l.t("新規", "new") }) } }
                    }
                }
            }
        }
        @if bad == 0 {
            form.card method="post" action="/office/stores/import/confirm" {
                (csrf_field(&ctx.csrf_token()))
                input type="hidden" name="rows" value=(rows_json);
                button.primary type="submit" { (l.t("すべて取り込む", "Import all")) }
            }
        }
        p { a href="/office/stores/import" { (l.t("別のファイルを選ぶ", "Choose another file")) } }
    };
    Ok(render(
        ctx,
        if bad > 0 { 400 } else { 200 },
        l.t("取り込み内容の確認", "Check the import"),
        body,
    ))
}

pub fn upload(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let Some(file) = ctx
        .files()
        .into_iter()
        .find(|f| f.name == "file" && !f.data.is_empty())
    else {
        return upload_page(
            ctx,
            400,
            Some(l.t("ファイルを選んでください", "Choose a file")),
        );
    };
    let table = match crate::import::table(&file.data) {
        Ok(t) => t,
        Err(e) => {
            let msg = format!(
                "{}{}",
                l.t("ファイルを読めません: ", "Cannot read the file: "),
                e.0
            );
            return upload_page(ctx, 400, Some(&msg));
        }
    };
    match store_import::parse(&table) {
        Ok(rows) => preview(ctx, rows),
        Err(e) if status_of(&e) < 500 => upload_page(ctx, status_of(&e), Some(&message(ctx, &e))),
        Err(e) => Err(e.into()),
    }
}

pub fn confirm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let rows: Vec<Row> = serde_json::from_str(field(&f, "rows").unwrap_or("")).map_err(|_| {
        WebError::BadRequest(
            "the checked rows did not come back intact; upload the file again".into(),
        )
    })?;
    let who = ctx.who()?.clone();
    match store_import::apply(ctx.app, &who, rows) {
        Ok((added, updated)) => {
            let body = html! {
                (notice(&format!("{}{added}{}{updated}{}", l.t("取り込みました: 新規 ", "Imported: "), l.t(" 件、更新 ", " new, "), l.t(" 件", " updated"))))
                p { a.button href="/office/stores" { (l.t("加盟店の管理へ", "Stores")) } }
            };
            Ok(render(ctx, 200, l.t("取り込み完了", "Imported"), body))
        }
        Err(e) if status_of(&e) < 500 => upload_page(ctx, status_of(&e), Some(&message(ctx, &e))),
        Err(e) => Err(e.into()),
    }
}
