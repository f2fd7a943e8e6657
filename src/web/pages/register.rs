//! Resident registration: self-service on a phone, or typed in by the secretariat at the
//! counter for someone without a smartphone.

use maud::html;
use serde_json::{Map, Value};

use super::{message, render, status_of};
use crate::service::{identity::accounts, identity::residents, operations::settings};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, SESSION_COOKIE, field};
use crate::web::views::{Field, Lang, alert, notice};

/// Age bands offered on the form (the city's surveys count residents by these).
pub const AGE_BANDS: &[(&str, &str)] = &[
    ("10s", "10代"),
    ("20s", "20代"),
    ("30s", "30代"),
    ("40s", "40代"),
    ("50s", "50代"),
    ("60s", "60代"),
    ("70s", "70代"),
    ("80+", "80代以上"),
];

pub fn form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    page(ctx, 200, &[], None)
}

fn page(
    ctx: &Ctx,
    status: u16,
    values: &[(String, String)],
    error: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let required = settings::required_registration_fields(ctx.app)?;
    let req = |f: &str| required.iter().any(|r| r == f);
    let v = |name: &str| field(values, name).unwrap_or("").to_owned();
    let by_staff = ctx.principal.is_some();
    let body = html! {
        @if by_staff { (notice(l.t("窓口での代理登録です。本人に仮パスワードではなく、決めたパスワードを伝えてください。", "Registering on someone's behalf at the counter."))) }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/register" {
            (crate::web::views::csrf_field(&ctx.csrf_token()))
            (Field::new(l.t("お名前(ニックネーム可)", "Name (a nickname is fine)"), "display_name").value(&v("display_name")).required(true).autocomplete("nickname").render(l))
            (Field::new(l.t("ログインID", "Login ID"), "login").value(&v("login")).required(true).autocomplete("username").hint(l.t("半角英数字 3〜64文字。メールアドレスも使えます。", "3 to 64 letters or digits; an e-mail address works too.")).render(l))
            (Field::new(l.t("パスワード", "Password"), "password").kind("password").required(true).autocomplete("new-password").hint(l.t("8文字以上。よく使われるものやログインIDをもとにしたものは使えません", "At least 8 characters; not a common one, nor one made from your login ID")).render(l))
            (Field::new(l.t("電話番号", "Phone"), "phone").kind("tel").value(&v("phone")).required(req("phone")).autocomplete("tel").hint(l.t("例: 090-1234-5678", "e.g. 090-1234-5678")).render(l))
            (Field::new("LINE ID", "line_id").value(&v("line_id")).required(req("line_id")).render(l))
            div.field {
                label for="f-age_band" { (l.t("年代", "Age band")) @if req("age_band") { span.req { (l.t("必須", "required")) } } }
                select #f-age_band name="age_band" required[req("age_band")] {
                    option value="" { (l.t("選んでください", "Choose")) }
                    @for (code, ja) in AGE_BANDS {
                        option value=(code) selected[v("age_band") == *code] { (if l == Lang::Ja { ja } else { code }) }
                    }
                }
            }
            (Field::new(l.t("お住まいの地区", "Area you live in"), "area").value(&v("area")).required(req("area")).render(l))
            button.primary type="submit" { (l.t("登録する", "Register")) }
        }
    };
    Ok(render(ctx, status, l.t("利用者登録", "Register"), body))
}

pub fn submit(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let text = |n: &str| {
        field(&form, n)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut attributes = Map::new();
    for name in ["line_id", "age_band", "area"] {
        if let Some(v) = text(name) {
            attributes.insert(name.to_owned(), Value::String(v));
        }
    }
    let new = residents::NewResident {
        login: text("login").unwrap_or_default(),
        password: field(&form, "password").unwrap_or("").to_owned(),
        display_name: text("display_name").unwrap_or_default(),
        phone: text("phone"),
        attributes,
    };
    let login = new.login.clone();
    let password = new.password.clone();
    let who = ctx.principal.clone();
    let result = match &who {
        Some(p) => residents::register(ctx.app, Some(p), new),
        None => residents::register_self(ctx.app, new, &ctx.remote),
    };
    match result {
        Ok(id) if who.is_some() => {
            let body = html! {
                (notice(&format!("{} (ID {id})", l.t("利用者を登録しました。", "The resident has been registered."))))
                p { a.button href="/register" { (l.t("続けて登録する", "Register another")) } }
            };
            Ok(render(ctx, 201, l.t("利用者登録", "Register"), body))
        }
        Ok(_) => {
            // Self-registration logs the new resident straight in.
            let user = accounts::authenticate(ctx.app, &login, &password, &ctx.remote)?;
            let token = accounts::start_session(ctx.app, &user)?;
            let max_age = user.role.session_policy().max_secs;
            Ok(Reply::redirect("/app/welcome").cookie(format!(
                "{SESSION_COOKIE}={token}{}",
                ctx.cookie_attrs(Some(max_age))
            )))
        }
        Err(e) if status_of(&e) < 500 => {
            let keep: Vec<(String, String)> =
                form.into_iter().filter(|(k, _)| k != "password").collect();
            page(ctx, status_of(&e), &keep, Some(&message(ctx, &e)))
        }
        Err(e) => Err(e.into()),
    }
}
