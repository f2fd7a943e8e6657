//! The city's administration pages: staff accounts, settings, the audit log.

use maud::html;

use super::{answer_form, message, render, status_of};
use crate::domain::Role;
use crate::domain::time::{format_datetime_en, format_datetime_ja};
use crate::service::identity::accounts::{self, CREATABLE_ROLES, NewStaff};
use crate::service::identity::residents::field_label_ja;
use crate::service::operations::settings::{self as city, Branding, REGISTRATION_FIELDS};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{Field, Lang, alert, csrf_field, notice};

pub fn accounts(ctx: &mut Ctx) -> Result<Reply, WebError> {
    accounts_page(ctx, 200, None, None)
}

fn accounts_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    created: Option<&accounts::CreatedAccount>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let users = accounts::staff_list(ctx.app, ctx.who()?)?;
    let body = html! {
        @if let Some(c) = created {
            div.notice role="status" {
                p { (l.t("アカウントを作成しました。次の仮パスワードを本人に伝えてください。この画面を閉じると二度と表示されません。", "The account was created. Give this one-time password to its owner; it is not shown again.")) }
                dl { dt { (l.t("ログインID", "Login ID")) } dd { code { (c.login) } } dt { (l.t("仮パスワード", "One-time password")) } dd { code.secret { (c.one_time_password) } } }
            }
        }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/admin/accounts" {
            h2 { (l.t("アカウントを追加", "Add an account")) }
            (csrf_field(&ctx.csrf_token()))
            (Field::new(l.t("ログインID", "Login ID"), "login").required(true).hint(l.t("半角英数字 3〜64文字", "3 to 64 letters or digits")).render(l))
            (Field::new(l.t("氏名・担当名", "Name"), "display_name").required(true).render(l))
            fieldset {
                legend { (l.t("権限", "Role")) }
                @for (i, r) in CREATABLE_ROLES.iter().enumerate() {
                    label.choice { input type="radio" name="role" value=(r.as_str()) checked[i == 1] required; " " (role_label(l, *r)) }
                }
            }
            button.primary type="submit" { (l.t("作成する", "Create")) }
        }
        h2 { (l.t("管理者・事務局アカウント", "Staff accounts")) }
        table {
            thead { tr { th { (l.t("ログインID", "Login ID")) } th { (l.t("氏名", "Name")) } th { (l.t("権限", "Role")) } } }
            tbody {
                @for u in &users {
                    tr { td { (u.login) } td { (u.display_name) } td { (role_label(l, u.role)) } }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t("アカウント管理", "Accounts"), body))
}

fn role_label(l: Lang, r: Role) -> &'static str {
    match l {
        Lang::Ja => r.label_ja(),
        Lang::En => r.label_en(),
    }
}

pub fn create_account(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let Some(role) = field(&form, "role").and_then(Role::parse) else {
        return accounts_page(
            ctx,
            400,
            Some(l.t("権限を選んでください", "Choose a role")),
            None,
        );
    };
    let new = NewStaff {
        login: field(&form, "login").unwrap_or("").to_owned(),
        display_name: field(&form, "display_name").unwrap_or("").to_owned(),
        role,
        password: None,
    };
    let who = ctx.who()?.clone();
    match accounts::create_staff(ctx.app, &who, new) {
        Ok(created) => accounts_page(ctx, 201, None, Some(&created)),
        Err(e) if status_of(&e) < 500 => {
            accounts_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

pub fn settings(ctx: &mut Ctx) -> Result<Reply, WebError> {
    settings_page(ctx, 200, None, None)
}

fn settings_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    saved: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let b = ctx.app.branding();
    let required = city::required_registration_fields(ctx.app)?;
    let body = html! {
        @if let Some(s) = saved { (notice(s)) }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/admin/settings" {
            (csrf_field(&ctx.csrf_token()))
            h2 { (l.t("表示", "Branding")) }
            (Field::new(l.t("市の名前", "City name"), "city_name").value(&b.city_name).required(true).render(l))
            (Field::new(l.t("通貨の名前", "Currency name"), "currency_name").value(&b.currency_name).required(true).render(l))
            (Field::new(l.t("テーマの色", "Theme colour"), "color").kind("color").value(&b.color).required(true).render(l))
            h2 { (l.t("利用者登録で必須にする項目", "Required at registration")) }
            fieldset {
                legend { (l.t("必須項目", "Required fields")) }
                @for f in REGISTRATION_FIELDS {
                    label.choice {
                        input type="checkbox" name="required" value=(f) checked[required.iter().any(|r| r == f)];
                        " " (if l == Lang::Ja { field_label_ja(f) } else { f })
                    }
                }
            }
            button.primary type="submit" { (l.t("保存する", "Save")) }
        }
        form.card method="post" action="/admin/logo" enctype="multipart/form-data" {
            (csrf_field(&ctx.csrf_token()))
            h2 { (l.t("ロゴ", "Logo")) }
            @if b.logo_type.is_some() { p { img.logo-preview src="/assets/logo" alt=(l.t("現在のロゴ", "Current logo")); } }
            div.field {
                label for="f-logo" { (l.t("ロゴ画像(PNGまたはJPEG、512KBまで)", "Logo image (PNG or JPEG, up to 512 KB)")) }
                input #f-logo type="file" name="logo" accept="image/png,image/jpeg" required;
            }
            button.primary type="submit" { (l.t("ロゴを登録する", "Upload logo")) }
        }
    };
    Ok(render(ctx, status, l.t("市の設定", "City settings"), body))
}

pub fn save_settings(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let branding = Branding {
        city_name: field(&form, "city_name").unwrap_or("").to_owned(),
        currency_name: field(&form, "currency_name").unwrap_or("").to_owned(),
        color: field(&form, "color").unwrap_or("").to_owned(),
        logo_type: ctx.app.branding().logo_type,
    };
    let required: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "required")
        .map(|(_, v)| v.clone())
        .collect();
    let who = ctx.who()?.clone();
    let result = city::set_branding(ctx.app, &who, branding)
        .and_then(|_| city::set_required_fields(ctx.app, &who, required));
    answer_form(
        ctx,
        result,
        settings_page,
        200,
        l.t("保存しました。", "Saved."),
    )
}

pub fn audit(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let rows = crate::service::merchants::directory::audit_log(ctx.app, ctx.who()?, 200)?;
    let body = html! {
        p { (l.t("管理操作の記録(新しい順、最大200件)", "Administrative changes, newest first (up to 200)")) }
        table {
            thead { tr { th { (l.t("日時", "When")) } th { (l.t("操作者", "Who")) } th { (l.t("操作", "Action")) } th { (l.t("対象", "Target")) } th { (l.t("内容", "Detail")) } } }
            tbody {
                @for r in &rows {
                    tr {
                        td { (if l == Lang::Ja { format_datetime_ja(r.at) } else { format_datetime_en(r.at) }) }
                        td { (r.actor) } td { (r.action) } td { (r.target) } td { code { (r.detail) } }
                    }
                }
            }
        }
    };
    Ok(render(ctx, 200, l.t("操作記録", "Audit log"), body))
}

pub fn upload_logo(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let file = ctx.files().into_iter().find(|f| f.name == "logo");
    let who = ctx.who()?.clone();
    let result = match file {
        Some(f) if !f.data.is_empty() => city::set_logo(ctx.app, &who, &f.data),
        _ => {
            return settings_page(
                ctx,
                400,
                Some(l.t("画像を選んでください", "Choose an image")),
                None,
            );
        }
    };
    answer_form(
        ctx,
        result,
        settings_page,
        200,
        l.t("ロゴを登録しました。", "The logo was uploaded."),
    )
}
