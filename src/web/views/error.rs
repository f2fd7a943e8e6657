//! The error page: what happened in plain words, and a way back.

use maud::{DOCTYPE, Markup, html};

use super::Lang;
use crate::service::Branding;

pub fn page(b: &Branding, l: Lang, status: u16, detail: &str) -> Markup {
    let (title, explain) = match status {
        400 | 413 => (
            l.t("入力内容を確認してください", "Please check what you entered"),
            l.t("送信された内容を受け付けられませんでした。", "What was sent could not be accepted."),
        ),
        401 => (l.t("ログインしてください", "Please log in"), l.t("この画面を見るにはログインが必要です。", "You need to log in to see this page.")),
        403 => (
            l.t("この操作はできません", "This is not allowed"),
            l.t(
                "この画面を開く権限がないか、画面の有効期限が切れました。前の画面に戻り、再読み込みしてからもう一度お試しください。",
                "You may not open this page, or the page expired. Go back, reload and try again.",
            ),
        ),
        404 => (l.t("ページが見つかりません", "Page not found"), l.t("アドレスをご確認ください。", "Please check the address.")),
        429 => (
            l.t("しばらくお待ちください", "Please wait a moment"),
            l.t("短い時間に操作が続いたため、一時的に受け付けを止めています。15分ほどしてからお試しください。", "Too many attempts in a short time. Please try again in about 15 minutes."),
        ),
        _ => (
            l.t("ただいま処理できません", "Something went wrong"),
            l.t("時間をおいてもう一度お試しください。続く場合は事務局へお問い合わせください。", "Please try again later. If it keeps happening, contact the secretariat."),
        ),
    };
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | " (b.currency_name) }
                link rel="stylesheet" href="/assets/app.css";
                link rel="stylesheet" href="/assets/brand.css";
            }
            body {
                header.top { a.brand href="/" { span.city { (b.city_name) } span.currency { (b.currency_name) } } }
                main #main {
                    h1 { (title) }
                    p { (explain) }
                    p.detail { small { (detail) } }
                    p { a.button href="/" { (l.t("トップへ戻る", "Back to the start")) } }
                }
            }
        }
    }
}
