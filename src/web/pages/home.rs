//! The landing page, the language switch and the start page of each role.

use crate::i18n::Msg;
use crate::service::operations::attention;
use maud::html;

use super::{home_of, local_path, render};
use crate::service::merchants::stores;
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, LANG_COOKIE, VIEW_COOKIE};
use crate::web::views::Lang;

pub fn index(ctx: &mut Ctx) -> Result<Reply, WebError> {
    if let Some(p) = &ctx.principal
        && home_of(p.role) != "/"
    {
        return Ok(Reply::redirect(home_of(p.role)));
    }
    let l = ctx.lang;
    let b = ctx.app.branding();
    let body = html! {
        p.lead {
            (l.f(Msg::CurrencyIntro, &[("currency", &b.currency_name)]))
        }
        @if ctx.principal.is_none() {
            div.actions {
                a.button.primary href="/login" { (l.t(Msg::LogIn)) }
                a.button href="/register" { (l.t(Msg::NewHereRegister)) }
                a.button href="/stores" { (l.t(Msg::Stores2)) }
                a.button href="/apply" { (l.t(Msg::ForShopsApplyToAccept)) }
            }
        } @else {
            p { (l.t(Msg::ThisAccountHasNoPages)) }
        }
    };
    Ok(render(ctx, 200, &b.city_name, body))
}

/// Turns large text or the simple resident home on or off, and returns.
pub fn set_view(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let mut view = ctx.view();
    let on = |v: Option<&str>, was: bool| match v {
        Some("on") => true,
        Some("off") => false,
        _ => was,
    };
    view.large_text = on(ctx.query_get("large"), view.large_text);
    view.simple = on(ctx.query_get("simple"), view.simple);
    let back = local_path(ctx.query_get("next")).unwrap_or("/").to_owned();
    Ok(Reply::redirect(&back).cookie(format!(
        "{VIEW_COOKIE}={}{}",
        view.code(),
        ctx.cookie_attrs(Some(400 * 86400))
    )))
}

/// Switches the page language and returns to where the visitor was.
pub fn set_lang(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let lang = ctx
        .query_get("to")
        .and_then(Lang::from_code)
        .unwrap_or(Lang::Ja);
    let back = local_path(ctx.query_get("next")).unwrap_or("/").to_owned();
    Ok(Reply::redirect(&back).cookie(format!(
        "{LANG_COOKIE}={}{}",
        lang.code(),
        ctx.cookie_attrs(Some(400 * 86400))
    )))
}

/// The address a store's printed QR code holds (the long code, which keeps working).
pub(super) fn pay_url(ctx: &Ctx, mpm_code: &str) -> String {
    format!(
        "{}/p/{mpm_code}",
        ctx.app.config.public_url.trim_end_matches('/')
    )
}

pub fn shop(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let store_id = ctx.who()?.store_id.ok_or(WebError::RouteNotFound)?;
    let s = stores::get(ctx.app, store_id)?;
    let today = crate::domain::time::day_colour(ctx.app.now());
    let pay_url = pay_url(ctx, &s.mpm_code);
    let body = html! {
        section.card {
            h2 { (s.name) }
            dl {
                dt { (l.t(Msg::Address)) } dd { (s.address) }
                dt { (l.t(Msg::Category)) } dd { (s.category) }
                @if let Some(h) = &s.hours { dt { (l.t(Msg::OpeningHours)) } dd { (h) } }
                dt { (l.t(Msg::YourStoreQrCodePoints)) } dd { code { (pay_url) } }
                dt { (l.t(Msg::TodaysCompletionColour)) }
                dd { (crate::web::views::pay::day_swatch(l, today)) }
            }
        }
        (crate::web::views::pay::store_qr(l, &pay_url, s.short_code.as_deref().unwrap_or(&s.mpm_code)))
        nav.menu aria-label=(l.t(Msg::Menu)) {
            a.button.primary href="/shop/till" { (l.t(Msg::TillTodaysPayments)) }
            a.button href="/shop/cpm" { (l.t(Msg::ScanACustomersCode)) }
            @if s.sells_cards { a.button href="/shop/cards" { (l.t(Msg::SellAndChargeCards)) } }
            a.button href="/shop/staff" { (l.t(Msg::StaffOwner)) }
            a.button href="/shop/profile" { (l.t(Msg::StoreProfile)) }
            a.button href="/shop/device" { (l.t(Msg::DeviceSubsidy)) }
            a.button href="/password" { (l.t(Msg::ChangePassword2)) }
        }
    };
    Ok(render(ctx, 200, l.t(Msg::StoreMenu), body))
}

pub fn distributor(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let p = ctx.who()?;
    let body = html! {
        p.lead { (p.display_name) }
        nav.menu aria-label=(l.t(Msg::Menu)) {
            a.button href="/password" { (l.t(Msg::ChangePassword2)) }
        }
    };
    Ok(render(ctx, 200, l.t(Msg::DistributorMenu), body))
}

/// Figures the city and the secretariat see first.
struct Overview {
    residents: i64,
    stores: i64,
}

fn overview(ctx: &Ctx) -> Result<Overview, WebError> {
    let (residents, stores) = crate::service::merchants::directory::counts(ctx.app)?;
    Ok(Overview { residents, stores })
}

pub fn office(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let o = overview(ctx)?;
    let body = html! {
        (attention(l, &waiting(ctx)?))
        (figures(l, &o, ctx.app.now()))
        nav.menu aria-label=(l.t(Msg::Menu)) {
            a.button href="/office/programs" { (l.t(Msg::Programs)) }
            a.button href="/office/grants" { (l.t(Msg::Grants)) }
            a.button href="/office/cards" { (l.t(Msg::Cards)) }
            a.button href="/office/notices" { (l.t(Msg::Notices)) }
            a.button href="/office/applications" { (l.t(Msg::StoreApplications)) }
            a.button href="/office/stores" { (l.t(Msg::Stores3)) }
            a.button href="/office/store-requests" { (l.t(Msg::StoreRequests)) }
            a.button href="/office/devices" { (l.t(Msg::DeviceSubsidies)) }
            a.button href="/office/residents" { (l.t(Msg::FindAResidentPhone)) }
            a.button href="/register" { (l.t(Msg::RegisterAResidentCounter)) }
            a.button href="/password" { (l.t(Msg::ChangePassword2)) }
        }
    };
    Ok(render(ctx, 200, l.t(Msg::SecretariatMenu), body))
}

pub fn admin(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let o = overview(ctx)?;
    let body = html! {
        (attention(l, &waiting(ctx)?))
        (figures(l, &o, ctx.app.now()))
        nav.menu aria-label=(l.t(Msg::Menu)) {
            a.button href="/office/programs" { (l.t(Msg::Programs)) }
            a.button href="/office/grants" { (l.t(Msg::Grants)) }
            a.button href="/office/cards" { (l.t(Msg::Cards)) }
            a.button href="/office/notices" { (l.t(Msg::ApproveNotices)) }
            a.button href="/admin/accounts" { (l.t(Msg::StaffAccounts)) }
            a.button href="/admin/settings" { (l.t(Msg::CitySettings)) }
            a.button href="/admin/audit" { (l.t(Msg::AuditLog)) }
            a.button href="/admin/logins" { (l.t(Msg::FailedLogins)) }
            a.button href="/admin/maintenance" { (l.t(Msg::Maintenance)) }
            a.button href="/office" { (l.t(Msg::SecretariatMenu)) }
            a.button href="/password" { (l.t(Msg::ChangePassword2)) }
        }
    };
    Ok(render(ctx, 200, l.t(Msg::Administration), body))
}

fn waiting(ctx: &Ctx) -> Result<(attention::Waiting, attention::Day), WebError> {
    let who = ctx.who()?;
    Ok((
        attention::waiting(ctx.app, who)?,
        attention::today(ctx.app, who)?,
    ))
}

/// What waits for the office, each with its page; and today's figures.
fn attention(l: Lang, (w, today): &(attention::Waiting, attention::Day)) -> maud::Markup {
    let items = [
        (
            w.applications,
            Msg::ApplicationsWaiting,
            "/office/applications",
        ),
        (
            w.store_requests,
            Msg::StoreRequestsWaiting,
            "/office/store-requests",
        ),
        (
            w.device_subsidies,
            Msg::DeviceSubsidiesWaiting,
            "/office/devices",
        ),
        (w.notices, Msg::NoticesWaiting, "/office/notices"),
        (w.programs, Msg::ProgramsWaiting, "/office/programs"),
        (w.grants, Msg::GrantsWaiting, "/office/grants"),
    ];
    html! {
        @if !w.is_empty() {
            section.card.attention aria-labelledby="attention" {
                h2 #attention { (l.t(Msg::WaitingForYou)) }
                ul {
                    @for (n, msg, href) in items {
                        @if n > 0 { li { a href=(href) { (l.f(msg, &[("n", &l.number(n))])) } } }
                    }
                }
            }
        }
        section.figures aria-label=(l.t(Msg::TodaysFigures)) {
            div.figure { span.label { (l.t(Msg::PaymentsToday)) } span.value { (l.f(Msg::PaymentsCountAndTotal, &[("n", &l.number(today.payments)), ("total", &l.yen(today.paid))])) } }
            div.figure { span.label { (l.t(Msg::ChargedToday)) } span.value { (l.yen(today.charged)) } }
        }
    }
}

fn figures(l: Lang, o: &Overview, now: i64) -> maud::Markup {
    html! {
        section.figures aria-label=(l.t(Msg::Overview)) {
            div.figure { span.label { (l.t(Msg::Residents)) } span.value { (l.f(Msg::PeopleCount, &[("n", &l.number(o.residents))])) } }
            div.figure { span.label { (l.t(Msg::Stores4)) } span.value { (l.f(Msg::StoreCount, &[("n", &l.number(o.stores))])) } }
        }
        p.asof { small { (l.f(Msg::AsOf, &[("time", &l.datetime(now))])) } }
    }
}
