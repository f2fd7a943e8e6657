//! The landing page, the language switch and the start page of each role.

use maud::html;

use super::{home_of, local_path, render};
use crate::domain::time::format_datetime_ja;
use crate::service::merchants::stores;
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, LANG_COOKIE};
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
            (b.currency_name) (l.t(
                "は、市内の加盟店で使える電子地域通貨です。スマートフォンでも、QRコード付きのカードでもお支払いいただけます。",
                " is the city's electronic local currency, accepted at member stores. Pay with your smartphone or with a QR card."
            ))
        }
        @if ctx.principal.is_none() {
            div.actions {
                a.button.primary href="/login" { (l.t("ログイン", "Log in")) }
                a.button href="/register" { (l.t("はじめての方(利用者登録)", "New here? Register")) }
                a.button href="/stores" { (l.t("使えるお店", "Stores")) }
                a.button href="/apply" { (l.t("お店の方へ: 加盟店の申請", "For shops: apply to accept it")) }
            }
        } @else {
            p { (l.t("このアカウントには画面がありません。APIをご利用ください。", "This account has no pages; use the API.")) }
        }
    };
    Ok(render(ctx, 200, &b.city_name, body))
}

/// Switches the page language and returns to where the visitor was.
pub fn set_lang(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let lang = Lang::parse(ctx.query_get("to").unwrap_or("ja"));
    let back = local_path(ctx.query_get("next")).unwrap_or("/").to_owned();
    Ok(Reply::redirect(&back).cookie(format!(
        "{LANG_COOKIE}={}{}",
        lang.code(),
        ctx.cookie_attrs(Some(400 * 86400))
    )))
}

pub fn shop(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let store_id = ctx.who()?.store_id.ok_or(WebError::RouteNotFound)?;
    let s = stores::get(ctx.app, store_id)?;
    let today = crate::domain::time::day_colour(ctx.app.now());
    let pay_url = format!(
        "{}/p/{}",
        ctx.app.config.public_url.trim_end_matches('/'),
        s.mpm_code
    );
    let body = html! {
        section.card {
            h2 { (s.name) }
            dl {
                dt { (l.t("住所", "Address")) } dd { (s.address) }
                dt { (l.t("業種", "Category")) } dd { (s.category) }
                @if let Some(h) = &s.hours { dt { (l.t("営業時間", "Opening hours")) } dd { (h) } }
                dt { (l.t("店舗のQRコードの宛先", "Your store QR code points to")) } dd { code { (pay_url) } }
                dt { (l.t("本日の完了画面の色", "Today's completion colour")) }
                dd { span class={ "swatch day-" (today) } {} " " (crate::web::views::pay::colour_name(l, today)) }
            }
        }
        section.card.store-qr {
            h2 { (l.t("お店のQRコード(レジに掲示)", "Your store's QR code (at the till)")) }
            div.qr-box { (crate::web::views::pay::qr_svg(&pay_url, l.t("お店の支払い用QRコード", "Store payment QR code"))) }
            p.code-text { (l.t("店舗コード: ", "Store code: ")) code { (s.mpm_code) } }
        }
        nav.menu aria-label=(l.t("メニュー", "Menu")) {
            a.button.primary href="/shop/till" { (l.t("レジ(本日の売上とお支払い)", "Till (today's payments)")) }
            a.button href="/shop/cpm" { (l.t("お客様のコードを読み取る", "Scan a customer's code")) }
            a.button href="/shop/staff" { (l.t("スタッフの管理(責任者)", "Staff (owner)")) }
            a.button href="/shop/profile" { (l.t("お店の掲載内容", "Store profile")) }
            a.button href="/shop/device" { (l.t("端末購入補助", "Device subsidy")) }
            a.button href="/password" { (l.t("パスワードの変更", "Change password")) }
        }
    };
    Ok(render(ctx, 200, l.t("加盟店メニュー", "Store menu"), body))
}

pub fn distributor(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let p = ctx.who()?;
    let body = html! {
        p.lead { (p.display_name) }
        nav.menu aria-label=(l.t("メニュー", "Menu")) {
            a.button href="/password" { (l.t("パスワードの変更", "Change password")) }
        }
    };
    Ok(render(
        ctx,
        200,
        l.t("配布団体メニュー", "Distributor menu"),
        body,
    ))
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
        (figures(l, &o, ctx.app.now()))
        nav.menu aria-label=(l.t("メニュー", "Menu")) {
            a.button href="/office/programs" { (l.t("事業別の状況", "Programs")) }
            a.button href="/office/notices" { (l.t("お知らせの管理", "Notices")) }
            a.button href="/office/applications" { (l.t("加盟店申請の審査", "Store applications")) }
            a.button href="/office/stores" { (l.t("加盟店の管理", "Stores")) }
            a.button href="/office/store-requests" { (l.t("加盟店からの申請", "Store requests")) }
            a.button href="/office/devices" { (l.t("端末購入補助の審査", "Device subsidies")) }
            a.button href="/office/residents" { (l.t("利用者をさがす(電話番号)", "Find a resident (phone)")) }
            a.button href="/register" { (l.t("利用者を登録する(窓口)", "Register a resident (counter)")) }
            a.button href="/password" { (l.t("パスワードの変更", "Change password")) }
        }
    };
    Ok(render(
        ctx,
        200,
        l.t("事務局メニュー", "Secretariat menu"),
        body,
    ))
}

pub fn admin(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let o = overview(ctx)?;
    let body = html! {
        (figures(l, &o, ctx.app.now()))
        nav.menu aria-label=(l.t("メニュー", "Menu")) {
            a.button href="/office/programs" { (l.t("事業別の状況", "Programs")) }
            a.button href="/office/notices" { (l.t("お知らせの承認", "Approve notices")) }
            a.button href="/admin/accounts" { (l.t("管理者・事務局アカウント", "Staff accounts")) }
            a.button href="/admin/settings" { (l.t("市の設定", "City settings")) }
            a.button href="/admin/audit" { (l.t("操作記録", "Audit log")) }
            a.button href="/admin/logins" { (l.t("ログインの失敗", "Failed logins")) }
            a.button href="/admin/maintenance" { (l.t("メンテナンス", "Maintenance")) }
            a.button href="/office" { (l.t("事務局メニュー", "Secretariat menu")) }
            a.button href="/password" { (l.t("パスワードの変更", "Change password")) }
        }
    };
    Ok(render(
        ctx,
        200,
        l.t("管理者メニュー", "Administration"),
        body,
    ))
}

fn figures(l: Lang, o: &Overview, now: i64) -> maud::Markup {
    html! {
        section.figures aria-label=(l.t("概況", "Overview")) {
            div.figure { span.label { (l.t("登録利用者", "Residents")) } span.value { (o.residents) (l.t("人", "")) } }
            div.figure { span.label { (l.t("加盟店", "Stores")) } span.value { (o.stores) (l.t("店", "")) } }
        }
        p.asof { small { (format_datetime_ja(now)) (l.t(" 現在", "")) } }
    }
}
