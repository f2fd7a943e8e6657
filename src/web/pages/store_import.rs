//! Importing the city's store list: upload, check every row, then import all or nothing.

use crate::i18n::Msg;
use maud::html;

use super::{message, render, status_of};
use crate::service::merchants::store_import::{self, Row};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{alert, csrf_field, notice};

pub fn form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    upload_page(ctx, 200, None)
}

fn upload_page(ctx: &Ctx, status: u16, error: Option<&str>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        p { (l.t(Msg::ImportTheCitysStoreList)) }
        form.card method="post" action="/office/stores/import" enctype="multipart/form-data" {
            (csrf_field(&ctx.csrf_token()))
            div.field {
                label for="f-file" { (l.t(Msg::File)) }
                input #f-file type="file" name="file" accept=".xlsx,.csv,text/csv" required;
            }
            button.primary type="submit" { (l.t(Msg::CheckTheFile)) }
        }
    };
    Ok(render(ctx, status, l.t(Msg::ImportStores), body))
}

fn preview(ctx: &Ctx, rows: Vec<Row>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let checked = store_import::check(ctx.app, ctx.who()?, rows, l)?;
    let bad = checked.iter().filter(|c| c.error.is_some()).count();
    let rows_json =
        serde_json::to_string(&checked.iter().map(|c| c.row.clone()).collect::<Vec<_>>())
            .unwrap_or_default();
    let body = html! {
        @if bad > 0 {
            (alert(&l.f(Msg::RowsHaveErrors, &[("n", &bad)])))
        } @else {
            (notice(&l.f(Msg::RowsCanBeImported2, &[("n", &checked.len())])))
        }
        table {
            thead { tr { th { (l.t(Msg::Line)) } th { (l.t(Msg::Key)) } th { (l.t(Msg::Name3)) } th { (l.t(Msg::Result)) } } }
            tbody {
                @for c in &checked {
                    tr class=[c.error.as_ref().map(|_| "bad")] {
                        td { (c.row.line) } td { (c.row.key) } td { (c.row.store.name) }
                        td { @match &c.error { Some(e) => strong.error { (e) }, None => (if c.update { l.t(Msg::Update) } else { l.t(Msg::New) }) } }
                    }
                }
            }
        }
        @if bad == 0 {
            form.card method="post" action="/office/stores/import/confirm" {
                (csrf_field(&ctx.csrf_token()))
                input type="hidden" name="rows" value=(rows_json);
                button.primary type="submit" { (l.t(Msg::ImportAll)) }
            }
        }
        p { a href="/office/stores/import" { (l.t(Msg::ChooseAnotherFile)) } }
    };
    Ok(render(
        ctx,
        if bad > 0 { 400 } else { 200 },
        l.t(Msg::CheckTheImport),
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
        return upload_page(ctx, 400, Some(l.t(Msg::ChooseAFile)));
    };
    let table = match crate::import::table(&file.data) {
        Ok(t) => t,
        Err(e) => {
            let msg = format!("{}{}", l.t(Msg::CannotReadTheFile), e.0);
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
                (notice(&l.f(Msg::ImportedCounts, &[("added", &added), ("updated", &updated)])))
                p { a.button href="/office/stores" { (l.t(Msg::Stores5)) } }
            };
            Ok(render(ctx, 200, l.t(Msg::Imported2), body))
        }
        Err(e) if status_of(&e) < 500 => upload_page(ctx, status_of(&e), Some(&message(ctx, &e))),
        Err(e) => Err(e.into()),
    }
}
