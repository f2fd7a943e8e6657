//! Maintenance (メンテナンス): a window announced in advance on every page, and a
//! read-only switch the operator turns on for an upgrade. While read-only, people can still
//! log in and see balances and history; nothing that changes data is accepted.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

use super::Text;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Maintenance {
    pub read_only: bool,
    /// The announced window, when there is one.
    pub window: Option<Window>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub from: i64,
    pub until: i64,
    /// What the city adds, e.g. why or what to do meanwhile (may be empty).
    pub note: String,
}

impl Window {
    /// A window must end after it starts, and not already be over.
    pub fn parse(from: i64, until: i64, note: &str, now: i64) -> Result<Window, Text> {
        if until <= from {
            return Err(Text::new(Msg::TheEndMustComeAfter));
        }
        if until <= now {
            return Err(Text::new(Msg::ThisWindowIsAlreadyOver));
        }
        let note = note.trim();
        if note.chars().count() > 200 {
            return Err(Text::new(Msg::TheNoteMustBeAt));
        }
        Ok(Window {
            from,
            until,
            note: note.to_string(),
        })
    }
}

impl Maintenance {
    /// What every page says at `now`: that the service is read-only right now, or that a
    /// window is coming (or running). Nothing once the window is over and writes are open.
    pub fn banner(&self, now: i64) -> Option<Text> {
        let window = self.window.as_ref().filter(|w| now < w.until);
        let note = window.map(|w| w.note.as_str()).unwrap_or("");
        let text = match (self.read_only, window) {
            (true, Some(w)) => Text::new(Msg::MaintenanceNowUntil).with_datetime("until", w.until),
            (true, None) => Text::new(Msg::MaintenanceNow),
            (false, Some(w)) => Text::new(Msg::MaintenanceComing)
                .with_datetime("from", w.from)
                .with_datetime("until", w.until),
            (false, None) => return None,
        };
        Some(text.with("note", note))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::parse_rfc3339;
    use crate::i18n::Lang;

    fn at(s: &str) -> i64 {
        parse_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn banner_before_during_and_after_a_window() {
        let w = Window::parse(
            at("2026-11-30T02:00:00+09:00"),
            at("2026-11-30T04:00:00+09:00"),
            " システム更新のため ",
            at("2026-11-22T10:00:00+09:00"),
        )
        .unwrap();
        assert_eq!(w.note, "システム更新のため");
        let mut m = Maintenance {
            read_only: false,
            window: Some(w),
        };
        let ja = |t: Option<Text>| t.unwrap().in_lang(Lang::Ja);
        let before = ja(m.banner(at("2026-11-22T10:00:00+09:00")));
        assert!(before.contains("2026年11月30日(月) 02:00〜2026年11月30日(月) 04:00"));
        assert!(before.ends_with("システム更新のため"));
        m.read_only = true;
        let during = ja(m.banner(at("2026-11-30T02:10:00+09:00")));
        assert!(during.starts_with("ただいまメンテナンス中です。2026年11月30日(月) 04:00ごろまで"));
        // Over, but still read-only: the banner stays, without a time.
        let late = ja(m.banner(at("2026-11-30T05:00:00+09:00")));
        assert!(late.starts_with("ただいまメンテナンス中です。お支払い"));
        m.read_only = false;
        assert_eq!(m.banner(at("2026-11-30T05:00:00+09:00")), None);
        assert_eq!(Maintenance::default().banner(0), None);
    }

    #[test]
    fn windows_must_end_after_they_start_and_in_the_future() {
        let now = at("2026-11-22T10:00:00+09:00");
        assert!(Window::parse(now + 20, now + 10, "", now).is_err());
        assert!(Window::parse(now - 20, now - 10, "", now).is_err());
        assert!(Window::parse(now, now + 10, &"あ".repeat(201), now).is_err());
        assert!(
            Window::parse(now - 20, now + 10, "", now).is_ok(),
            "running now"
        );
    }
}
