//! Every sentence meguri says to people, in five languages: Japanese (the default and the
//! source), English, Portuguese, Vietnamese and easy Japanese (やさしい日本語). A message
//! is named by a key ([`Msg`]); its texts live in one file per language, so that a
//! translator works on one file. Amounts, dates and weekdays are written per language too.
//!
//! Pure: the files are compiled in, nothing is read at run time.

mod format;
mod keys;

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

use crate::domain::{Amount, Unit, Yen};

pub use format::WEEKDAYS;
pub use keys::Msg;

/// A language the pages, mails and API messages speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ja,
    En,
    Pt,
    Vi,
    /// やさしい日本語: short sentences, common words, for residents learning Japanese and
    /// for children and elderly people.
    EasyJa,
}

impl Lang {
    /// In the order the language switch offers them.
    pub const ALL: [Lang; 5] = [Lang::Ja, Lang::EasyJa, Lang::En, Lang::Pt, Lang::Vi];

    /// The code in the language cookie and the switch's links.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
            Lang::Pt => "pt",
            Lang::Vi => "vi",
            Lang::EasyJa => "ja-easy",
        }
    }

    pub fn from_code(s: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == s)
    }

    /// The BCP 47 tag for `<html lang>`: easy Japanese is Japanese to screen readers.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::EasyJa => "ja",
            l => l.code(),
        }
    }

    /// The language's name in itself, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ja => "日本語",
            Lang::En => "English",
            Lang::Pt => "Português",
            Lang::Vi => "Tiếng Việt",
            Lang::EasyJa => "やさしい にほんご",
        }
    }

    /// The visitor's first choice among ours from an `Accept-Language` header
    /// (`pt-BR,pt;q=0.9,en;q=0.8`), by quality, then by order; `None` when none matches.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").map(|q| q.parse::<f32>()))
                .unwrap_or(Ok(1.0))
                .unwrap_or(0.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "ja" => Lang::Ja,
                "en" => Lang::En,
                "pt" => Lang::Pt,
                "vi" => Lang::Vi,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    /// The text of a message that takes no arguments.
    pub fn t(self, m: Msg) -> &'static str {
        debug_assert!(m.args().is_empty(), "{m:?} takes arguments: use f");
        catalogue().text(self, m)
    }

    /// The template of any message, placeholders and all (for a view that fills them
    /// with markup).
    pub fn t_any(self, m: Msg) -> &'static str {
        catalogue().text(self, m)
    }

    /// The text of a message with its named arguments filled in.
    pub fn f(self, m: Msg, args: &[(&str, &dyn Display)]) -> String {
        fill(catalogue().text(self, m), |name| {
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }
}

/// A message with its arguments, to be put into words later in the reader's language:
/// what domain rules and use cases return when they refuse something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub msg: Msg,
    args: Vec<(&'static str, Arg)>,
}

/// An argument: as it is (a name, a number), itself a message (a role's name), or a time
/// written the reader's way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Plain(String),
    Msg(Msg),
    DateTime(i64),
    Amount(Unit, Amount),
    Text(Box<Text>),
}

impl Text {
    pub fn new(msg: Msg) -> Text {
        Text { msg, args: vec![] }
    }

    pub fn with(mut self, name: &'static str, value: impl Display) -> Text {
        self.args.push((name, Arg::Plain(value.to_string())));
        self
    }

    pub fn with_msg(mut self, name: &'static str, value: Msg) -> Text {
        self.args.push((name, Arg::Msg(value)));
        self
    }

    /// A JST time (unix seconds), written as [`Lang::datetime`] writes it.
    pub fn with_datetime(mut self, name: &'static str, secs: i64) -> Text {
        self.args.push((name, Arg::DateTime(secs)));
        self
    }

    /// A message with arguments of its own (a waiting time).
    pub fn with_text(mut self, name: &'static str, t: Text) -> Text {
        self.args.push((name, Arg::Text(Box::new(t))));
        self
    }

    /// An amount, written as [`Lang::amount`] writes it.
    pub fn with_amount(mut self, name: &'static str, unit: Unit, a: Amount) -> Text {
        self.args.push((name, Arg::Amount(unit, a)));
        self
    }

    pub fn with_yen(self, name: &'static str, y: Yen) -> Text {
        self.with_amount(name, Unit::Yen, Amount(y.0))
    }

    /// A message as an argument when there is one, else the text as it is (a field
    /// the city named itself).
    pub fn with_label(self, name: &'static str, label: Option<Msg>, raw: &str) -> Text {
        match label {
            Some(m) => self.with_msg(name, m),
            None => self.with(name, raw),
        }
    }

    pub fn in_lang(&self, l: Lang) -> String {
        fill(catalogue().text(l, self.msg), |name| {
            self.args
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| match v {
                    Arg::Plain(s) => s.clone(),
                    Arg::Msg(m) => l.t(*m).to_owned(),
                    Arg::DateTime(t) => l.datetime(*t),
                    Arg::Amount(u, a) => l.amount(*u, *a),
                    Arg::Text(t) => t.in_lang(l),
                })
        })
    }
}

impl From<Msg> for Text {
    fn from(m: Msg) -> Text {
        Text::new(m)
    }
}

/// English, for logs and the API's default.
impl Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_lang(Lang::En))
    }
}

/// The `{name}` placeholders in a text, in order. Braces around anything that is not a
/// name (`{"current": …}` in an API hint) are text.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if close > 0
                    && after[..close]
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_') =>
            {
                out.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// The language files, compiled in.
pub const FILES: [(Lang, &str); 5] = [
    (Lang::Ja, include_str!("ja.txt")),
    (Lang::En, include_str!("en.txt")),
    (Lang::Pt, include_str!("pt.txt")),
    (Lang::Vi, include_str!("vi.txt")),
    (Lang::EasyJa, include_str!("ja-easy.txt")),
];

/// One language file read: `Key = text` lines, `#` comments, `\n` for a line break.
pub fn parse_file(text: &'static str) -> Result<Vec<(&'static str, String)>, String> {
    let mut out = vec![];
    for (n, line) in text.lines().enumerate() {
        // Trailing spaces are kept: a label such as `残高: ` is followed by its value.
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(" = ") else {
            return Err(format!("line {}: expected `Key = text`", n + 1));
        };
        out.push((key.trim(), value.replace("\\n", "\n").replace("\\\\", "\\")));
    }
    Ok(out)
}

struct Catalogue {
    /// Per language (in [`FILES`] order), per message (by its index).
    texts: Vec<Vec<Option<&'static str>>>,
}

impl Catalogue {
    /// A missing text (a test keeps that from happening) falls back to Japanese.
    fn text(&self, l: Lang, m: Msg) -> &'static str {
        let row = |l: Lang| {
            FILES
                .iter()
                .position(|(x, _)| *x == l)
                .and_then(|i| self.texts[i][m as usize])
        };
        row(l).or_else(|| row(Lang::Ja)).unwrap_or(m.name())
    }
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let index: HashMap<&str, usize> =
            Msg::ALL.iter().map(|m| (m.name(), *m as usize)).collect();
        let texts = FILES
            .iter()
            .map(|(_, file)| {
                let mut row = vec![None; Msg::ALL.len()];
                for (key, value) in parse_file(file).unwrap_or_default() {
                    if let Some(&i) = index.get(key) {
                        // Leaked once per text at start: the catalogue lives as long as
                        // the process, and pages borrow its texts as `&'static str`.
                        row[i] = Some(&*Box::leak(value.into_boxed_str()));
                    }
                }
                row
            })
            .collect();
        Catalogue { texts }
    })
}

fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|c| &after[..c]);
        match name.and_then(|n| value(n).map(|v| (n, v))) {
            Some((n, v)) => {
                out.push_str(&v);
                rest = &after[n.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Declares [`Msg`]: each key, with its argument names in brackets when it has any.
macro_rules! messages {
    ($($key:ident [$($arg:ident),*]),* $(,)?) => {
        /// The name of one message of the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($key),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            /// The key as the language files write it.
            pub fn name(self) -> &'static str {
                match self { $(Msg::$key => stringify!($key)),* }
            }

            /// The named arguments its texts must all use.
            pub fn args(self) -> &'static [&'static str] {
                match self { $(Msg::$key => &[$(stringify!($arg)),*]),* }
            }
        }
    };
}
pub(crate) use messages;

#[cfg(test)]
mod tests;
