//! Partials of paying: QR codes as inline SVG, the amount keypad, the completion screen.

use crate::i18n::Msg;
use maud::{Markup, PreEscaped, html};
use qrcodegen::{QrCode, QrCodeEcc};

use super::Lang;
use super::money::yen;
use crate::domain::Yen;

/// A QR code as inline SVG (no image request, sharp at any zoom). `label` is read out by
/// screen readers.
pub fn qr_svg(text: &str, label: &str) -> Markup {
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return html! { p { (text) } };
    };
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    html! {
        svg.qr xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (size) " " (size) } role="img" aria-label=(label) shape-rendering="crispEdges" {
            rect width="100%" height="100%" fill="#fff" {}
            path d=(PreEscaped(path)) fill="#000" {}
        }
    }
}

/// A large amount field; with JavaScript, an on-screen keypad fills it.
pub fn amount_field(l: Lang, value: &str) -> Markup {
    html! { (amount_input(l, l.t(Msg::AmountYen2), value)) (keypad(l)) }
}

/// The amount field, with the form's button right under it (in reach at once, above the
/// keypad), then the keypad: the money forms' layout. `label` names the amount.
pub fn amount_then_button(l: Lang, label: &str, value: &str, button: &str) -> Markup {
    html! {
        (amount_input(l, label, value))
        (reach_button(button))
        (keypad(l))
    }
}

/// A form's submit button that stays in reach: where its place is below the bottom of
/// the screen (large text, a long page), `keypad.js` floats it at the bottom of the screen
/// until the page is scrolled to it. The holder keeps its place, so nothing jumps.
pub fn reach_button(text: &str) -> Markup {
    html! {
        div.reach { button.primary type="submit" { (text) } }
    }
}

fn amount_input(l: Lang, label: &str, value: &str) -> Markup {
    html! {
        div.field.amount-field {
            label for="f-amount" { (label) }
            input #f-amount.amount name="amount" type="text" inputmode="numeric" pattern="[0-9,０-９]*"
                autocomplete="off" required value=(value) aria-describedby="f-amount-hint";
            small #f-amount-hint { (l.t(Msg::DigitsOnlyEG1280)) }
        }
    }
}

fn keypad(l: Lang) -> Markup {
    html! {
        div.keypad data-keypad="f-amount" hidden {
            @for k in ["1", "2", "3", "4", "5", "6", "7", "8", "9", "00", "0"] {
                button type="button" data-key=(k) { (k) }
            }
            button type="button" data-key="back" aria-label=(l.t(Msg::DeleteOneDigit)) { "⌫" }
        }
    }
}

/// What the completion screen shows.
pub struct Completion {
    pub store: String,
    pub amount: Yen,
    pub date: String,
    pub time: String,
    /// 0..7: today's colour (see `domain::time::day_colour`).
    pub colour: usize,
    pub breakdown: Vec<(String, Yen)>,
    pub balance_after: Option<Yen>,
}

/// The colour names the clerk compares with the store's own screen.
pub fn colour_name(l: Lang, i: usize) -> &'static str {
    const COLOURS: [Msg; 7] = [
        Msg::ColourRed,
        Msg::ColourOrange,
        Msg::ColourYellow,
        Msg::ColourGreen,
        Msg::ColourBlue,
        Msg::ColourPurple,
        Msg::ColourPink,
    ];
    l.t(COLOURS[i % 7])
}

/// The screen shown to the clerk: live animation, today's colour, time to the second.
pub fn completion(l: Lang, c: &Completion) -> Markup {
    html! {
        section class={ "done day-" (c.colour) } role="status" aria-live="polite" {
            div.pulse aria-hidden="true" { span {} span {} span {} }
            p.ok { (l.t(Msg::PaymentComplete)) }
            p.store { (c.store) }
            p.amount { (yen(l, c.amount)) }
            p.when { span.date { (c.date) } " " span.time { (c.time) } }
            p.daymark { (l.t(Msg::TodaysColour)) (colour_name(l, c.colour)) }
        }
        @if !c.breakdown.is_empty() {
            dl.breakdown {
                @for (p, y) in &c.breakdown { dt { (p) } dd.num { (yen(l, *y)) } }
                @if let Some(b) = c.balance_after { dt { (l.t(Msg::BalanceAfter2)) } dd.num { (yen(l, b)) } }
            }
        }
    }
}

/// Today's completion colour as a swatch and its name, for the clerk to compare with the
/// customer's completion screen.
pub fn day_swatch(l: Lang, colour: usize) -> Markup {
    html! {
        span class={ "swatch day-" (colour) } {} " " (colour_name(l, colour))
    }
}

/// The store's own QR code for customers to scan (MPM), with the code they can type.
pub fn store_qr(l: Lang, pay_url: &str, typed_code: &str) -> Markup {
    html! {
        section.card.store-qr {
            h2 { (l.t(Msg::YourStoresQrCodeAt)) }
            div.qr-box { (qr_svg(pay_url, l.t(Msg::StorePaymentQrCode))) }
            p.code-text { (l.t(Msg::StoreCode)) code.store-code { (typed_code) } }
        }
    }
}
