//! HTML page handlers: read the form, call a use case, render a view.

pub mod admin;
pub mod applications;
pub mod assets;
pub mod auth;
pub mod card;
pub mod cards_office;
pub mod charge;
pub mod device;
pub mod directory;
pub mod grants_office;
pub mod home;
pub mod location;
pub mod logins;
pub mod maintenance;
pub mod notices;
pub mod profile;
pub mod programs_office;
pub mod recovery_office;
pub mod refund;
pub mod register;
pub mod reset;
pub mod resident;
pub mod residents_office;
pub mod shop;
pub mod shop_cards;
pub mod shop_owner;
pub mod store_form;
pub mod store_import;
pub mod stores_office;
pub mod wallet;

use maud::Markup;

use super::error::WebError;
use super::reply::Reply;
use super::request::Ctx;
use super::views::{self, Chrome, FormErrors};
use crate::domain::Role;
use crate::service::ServiceError;

/// Renders `body` inside the page frame with the visitor's language and branding.
pub fn render(ctx: &Ctx, status: u16, title: &str, body: Markup) -> Reply {
    let branding = ctx.app.branding();
    let csrf = ctx.csrf_token();
    let chrome = Chrome {
        branding: &branding,
        lang: ctx.lang,
        user_name: ctx.principal.as_ref().map(|p| p.display_name.as_str()),
        csrf: &csrf,
        path: &ctx.path,
        sandbox: ctx.app.config.sandbox || ctx.app.config.fake_clock,
        maintenance: crate::service::operations::maintenance::state(ctx.app)
            .banner(ctx.app.now())
            .map(|t| t.in_lang(ctx.lang)),
        view: ctx.view(),
    };
    Reply::html(status, views::page(&chrome, title, body))
}

/// Where each role starts after logging in.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Admin => "/admin",
        Role::Operator => "/office",
        Role::Merchant => "/shop",
        Role::Resident => "/app",
        Role::Distributor => "/distributor",
        Role::Integration => "/",
    }
}

/// Only paths on this site are followed after login or a language switch, never another
/// site (`//evil.example` or `https://...`).
pub fn local_path(next: Option<&str>) -> Option<&str> {
    // Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    // `/\t/evil.example` or `/\\evil.example` would leave the site: one leading slash, no
    // second one, no backslash and no control character at all.
    next.filter(|n| {
        n.starts_with('/')
            && !n[1..].starts_with('/')
            && !n.contains('\\')
            && !n.chars().any(char::is_control)
    })
}

/// A page that shows its form again with an error, or a confirmation after success:
/// (context, status, error, confirmation).
pub type FormPage = fn(&Ctx, u16, Option<&str>, Option<&str>) -> Result<Reply, WebError>;

/// Answers a form posted to a `FormPage`: the page with the confirmation `done` (and
/// `status`) on success; a refusal the person can mend shows the page again with the
/// message and the refusal's status; any other error goes on to the error page.
pub fn answer_form<T>(
    ctx: &Ctx,
    result: Result<T, ServiceError>,
    page: FormPage,
    status: u16,
    done: &str,
) -> Result<Reply, WebError> {
    match result {
        Ok(_) => page(ctx, status, None, Some(done)),
        Err(e) if status_of(&e) < 500 => page(ctx, status_of(&e), Some(&message(ctx, &e)), None),
        Err(e) => Err(e.into()),
    }
}

/// A use case's refusal in the visitor's language; 4xx errors are shown on the form.
pub fn message(ctx: &Ctx, e: &ServiceError) -> String {
    e.text(ctx.lang)
}

/// A use case's refusal as a form shows it: each field's problem beside its field,
/// anything else at the top.
pub fn form_errors(ctx: &Ctx, e: &ServiceError) -> FormErrors {
    match e {
        ServiceError::Fields(p) => FormErrors {
            fields: p
                .iter()
                .map(|(f, t)| (f.to_owned(), t.in_lang(ctx.lang)))
                .collect(),
            ..FormErrors::none()
        },
        other => FormErrors::general(message(ctx, other)),
    }
}

/// The HTTP status a form re-rendered after this error carries.
pub fn status_of(e: &ServiceError) -> u16 {
    super::error::service_status(e).0
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn next_is_a_path_on_this_site_only() {
        for ok in ["/", "/app", "/stores?q=%E3%81%82", "/p/ABC123"] {
            assert_eq!(local_path(Some(ok)), Some(ok));
        }
        for bad in [
            "",
            "app",
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example/",
            "/\r\nSet-Cookie: s=1",
            "/\n/evil.example",
            "/\0",
            "https://evil.example/",
            "/\u{7f}x",
        ] {
            assert_eq!(local_path(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(local_path(None), None);
    }
}
