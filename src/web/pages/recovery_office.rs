//! The office gets a resident back in: a confirmation naming the resident, with the
//! clerk's word that they checked who is asking, then the reissued one-time password
//! (shown once) or the sessions ended. Reached from a resident found on
//! `/office/residents`.

use crate::i18n::Msg;
use maud::{Markup, html};

use super::{form_errors, render, status_of};
use crate::service::identity::recovery::{self, ResidentAccount};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::form::{described_by, error_id, field_id, field_message};
use crate::web::views::{FormErrors, Lang, csrf_field, notice};

/// What the clerk is about to do.
#[derive(Clone, Copy)]
enum Action {
    Reissue,
    LogOut,
}

impl Action {
    fn path(self, id: i64) -> String {
        match self {
            Action::Reissue => format!("/office/residents/{id}/password"),
            Action::LogOut => format!("/office/residents/{id}/sessions"),
        }
    }

    fn title(self) -> Msg {
        match self {
            Action::Reissue => Msg::ReissueThePassword,
            Action::LogOut => Msg::LogOutEverywhere,
        }
    }
}

/// The clerk's checkbox: who is asking was checked.
fn identity_box(l: Lang, errors: &FormErrors) -> Markup {
    let error = errors.field("checked");
    let err_id = error_id("checked");
    html! {
        div.field.invalid[error.is_some()] {
            (field_message("checked", error))
            label.choice {
                input #(field_id("checked")) type="checkbox" name="checked" value="1" required
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[described_by(None, error.map(|_| err_id.as_str()), false)];
                " " (l.t(Msg::IdentityChecked))
            }
        }
    }
}

fn confirm_page(
    ctx: &Ctx,
    status: u16,
    action: Action,
    a: &ResidentAccount,
    errors: &FormErrors,
) -> Reply {
    let l = ctx.lang;
    let question = match action {
        Action::Reissue => Msg::ReissueFor,
        Action::LogOut => Msg::LogOutEverywhereFor,
    };
    let consequences: &[Msg] = match action {
        Action::Reissue => &[
            Msg::ReissueGivesAOneTimePassword,
            Msg::EveryDeviceIsLoggedOut,
            Msg::TheBalanceStays,
        ],
        Action::LogOut => &[
            Msg::EveryDeviceIsLoggedOut,
            Msg::ThePasswordStays,
            Msg::TheBalanceStays,
        ],
    };
    let body = html! {
        (errors.summary(l))
        form.card method="post" action=(action.path(a.id)) novalidate {
            (csrf_field(&ctx.csrf_token()))
            p.lead { strong { (l.f(question, &[("name", &a.display_name), ("login", &a.login)])) } }
            ul { @for c in consequences { li { (l.t(*c)) } } }
            @if matches!(action, Action::Reissue) && a.has_mail {
                p.small { (l.t(Msg::ResidentCanResetByMail)) }
            }
            (identity_box(l, errors))
            div.actions {
                button.primary type="submit" { (l.t(action.title())) }
                a.button href="/office/residents" { (l.t(Msg::Cancel)) }
            }
        }
    };
    render(ctx, status, l.t(action.title()), body)
}

fn show_confirm(ctx: &mut Ctx, action: Action) -> Result<Reply, WebError> {
    let id = ctx.param_id(0)?;
    let a = recovery::resident_account(ctx.app, ctx.who()?, id)?;
    Ok(confirm_page(ctx, 200, action, &a, &FormErrors::none()))
}

pub fn reissue_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    show_confirm(ctx, Action::Reissue)
}

pub fn log_out_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    show_confirm(ctx, Action::LogOut)
}

/// A refusal the clerk can mend is shown on the confirmation again.
fn refused(
    ctx: &Ctx,
    action: Action,
    id: i64,
    e: crate::service::ServiceError,
) -> Result<Reply, WebError> {
    if status_of(&e) >= 500 || matches!(e, crate::service::ServiceError::NotFound(_)) {
        return Err(e.into());
    }
    let a = recovery::resident_account(ctx.app, ctx.who()?, id)?;
    Ok(confirm_page(
        ctx,
        status_of(&e),
        action,
        &a,
        &form_errors(ctx, &e),
    ))
}

pub fn reissue(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let id = ctx.param_id(0)?;
    let checked = field(&ctx.form(), "checked") == Some("1");
    let who = ctx.who()?.clone();
    let done = match recovery::reissue_password(ctx.app, &who, id, checked) {
        Ok(r) => r,
        Err(e) => return refused(ctx, Action::Reissue, id, e),
    };
    let a = &done.account;
    let body = html! {
        div.notice role="status" {
            p { (l.f(Msg::PasswordReissuedFor, &[("name", &a.display_name)])) }
            dl {
                dt { (l.t(Msg::LoginId)) } dd { code { (a.login) } }
                dt { (l.t(Msg::OneTimePassword)) } dd { code.secret { (done.one_time_password) } }
            }
        }
        ul {
            li { (l.t(Msg::GiveTheOneTimePassword)) }
            li { (l.t(Msg::TheyChooseTheirOwnAtLogin)) }
            li { (l.f(Msg::DevicesLoggedOut, &[("n", &done.ended.ways.sessions)])) }
        }
        p { a.button href="/office/residents" { (l.t(Msg::FindAnotherResident)) } }
    };
    Ok(render(ctx, 200, l.t(Msg::ReissueThePassword), body))
}

pub fn log_out(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let id = ctx.param_id(0)?;
    let checked = field(&ctx.form(), "checked") == Some("1");
    let who = ctx.who()?.clone();
    let (a, ended) = match recovery::log_out_everywhere(ctx.app, &who, id, checked) {
        Ok(r) => r,
        Err(e) => return refused(ctx, Action::LogOut, id, e),
    };
    let body = html! {
        (notice(&l.f(Msg::LoggedOutEverywhere, &[("name", &a.display_name), ("n", &ended.ways.sessions)])))
        ul {
            li { (l.t(Msg::ThePasswordStays)) }
            li { (l.t(Msg::TheBalanceStays)) }
        }
        p { a.button href="/office/residents" { (l.t(Msg::FindAnotherResident)) } }
    };
    Ok(render(ctx, 200, l.t(Msg::LogOutEverywhere), body))
}
