//! A form that came back with problems: every message beside its field at once (the
//! field marked `aria-invalid` and described by its message), and a summary at the top
//! that links to each, so nobody has to send the form again to learn the next problem.

use maud::{Markup, html};

use super::Lang;
use crate::i18n::Msg;

/// The id of a message about the form as a whole (a wrong login or password), which the
/// fields it concerns point at.
pub const GENERAL_ID: &str = "form-error";

/// What went wrong with a form, as its page shows it.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    /// Messages about no one field (a wait, a wrong login or password).
    pub general: Vec<String>,
    /// (field name, message), in the form's order.
    pub fields: Vec<(String, String)>,
    /// Fields a general message concerns: marked invalid and described by it.
    pub marks: Vec<String>,
}

impl FormErrors {
    pub fn none() -> FormErrors {
        FormErrors::default()
    }

    pub fn general(message: String) -> FormErrors {
        FormErrors {
            general: vec![message],
            ..FormErrors::default()
        }
    }

    /// The message beside field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.general.is_empty() && self.fields.is_empty()
    }

    /// Whether a password field may be filled in again with what was typed: only when it
    /// had no problem of its own, and the form was not refused as a whole (a wrong login
    /// or a wait says nothing about which field was right).
    pub fn keeps(&self, names: &[&str]) -> bool {
        self.general.is_empty() && names.iter().all(|n| self.field(n).is_none())
    }

    /// Puts the field messages in the order of the form's fields (others last).
    pub fn in_order(mut self, names: &[&str]) -> FormErrors {
        self.fields
            .sort_by_key(|(f, _)| names.iter().position(|n| n == f).unwrap_or(names.len()));
        self
    }

    /// The top of the form: a general message alone as before; with field problems,
    /// their count and a link to each field.
    pub fn summary(&self, l: Lang) -> Markup {
        if self.fields.is_empty() {
            return html! {
                @for (i, g) in self.general.iter().enumerate() {
                    p.alert role="alert" id=[(i == 0).then_some(GENERAL_ID)] { (g) }
                }
            };
        }
        html! {
            div.alert.error-summary role="alert" aria-labelledby="error-summary-title" {
                @for (i, g) in self.general.iter().enumerate() {
                    p id=[(i == 0).then_some(GENERAL_ID)] { (g) }
                }
                p #error-summary-title {
                    strong { (l.f(Msg::FormHasProblems, &[("n", &self.fields.len())])) }
                }
                ul {
                    @for (name, message) in &self.fields {
                        li { a href={ "#" (field_id(name)) } { (message) } }
                    }
                }
            }
        }
    }
}

/// The id of a field's input (what `Field` and the summary's links use).
pub fn field_id(name: &str) -> String {
    format!("f-{name}")
}

/// The id of a field's message.
pub fn error_id(name: &str) -> String {
    format!("f-{name}-error")
}

/// The message beside a field, when it has one.
pub fn field_message(name: &str, message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message {
            p.field-error id=(error_id(name)) { (m) }
        }
    }
}

/// What a field's `aria-describedby` names: its hint, its own message, or the general
/// message that concerns it.
pub fn described_by(hint: Option<&str>, error: Option<&str>, general: bool) -> Option<String> {
    let ids: Vec<&str> = [hint, error, general.then_some(GENERAL_ID)]
        .into_iter()
        .flatten()
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A select with its label, options (value, text), and the field's message.
pub struct Select<'a> {
    pub label: &'a str,
    pub name: &'a str,
    pub options: Vec<(&'a str, &'a str)>,
    pub selected: &'a str,
    pub required: bool,
    /// The text of an empty first choice ("choose"), when there is one.
    pub blank: Option<&'a str>,
}

impl Select<'_> {
    pub fn render(&self, l: Lang, errors: &FormErrors) -> Markup {
        let id = field_id(self.name);
        let error = errors.field(self.name);
        let err_id = error_id(self.name);
        html! {
            div.field.invalid[error.is_some()] {
                label for=(id) {
                    (self.label)
                    @if self.required { span.req { (l.t(Msg::Required)) } }
                }
                (field_message(self.name, error))
                select #(id) name=(self.name) required[self.required]
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[described_by(None, error.map(|_| err_id.as_str()), false)] {
                    @if let Some(b) = self.blank { option value="" { (b) } }
                    @for (value, text) in &self.options {
                        option value=(value) selected[*value == self.selected] { (text) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_form_order_and_password_keeping() {
        let e = FormErrors {
            fields: vec![("phone".into(), "p".into()), ("login".into(), "l".into())],
            ..FormErrors::default()
        }
        .in_order(&["display_name", "login", "password", "phone"]);
        assert_eq!(e.fields[0].0, "login");
        assert!(e.keeps(&["password"]) && !e.keeps(&["login"]));
        assert!(!FormErrors::general("x".into()).keeps(&["password"]));
        assert_eq!(
            described_by(Some("f-a-hint"), Some("f-a-error"), false).as_deref(),
            Some("f-a-hint f-a-error")
        );
        assert_eq!(described_by(None, None, false), None);
    }
}
