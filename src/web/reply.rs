//! What a handler returns. `server::respond` turns it into bytes on the wire, adding the
//! security headers, in one place.

use maud::Markup;
use serde::Serialize;

pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    /// Static assets may be cached; everything else is `no-store`.
    pub cacheable: bool,
}

impl Reply {
    pub fn json<T: Serialize>(status: u16, value: &T) -> Reply {
        Reply::bytes(
            status,
            "application/json; charset=utf-8",
            serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()),
        )
    }

    pub fn html(status: u16, markup: Markup) -> Reply {
        Reply::bytes(
            status,
            "text/html; charset=utf-8",
            markup.into_string().into_bytes(),
        )
    }

    pub fn bytes(status: u16, content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type,
            body,
            headers: Vec::new(),
            cacheable: false,
        }
    }

    /// A CSV file to download as `filename`.
    pub fn csv(filename: &str, body: Vec<u8>) -> Reply {
        Reply::bytes(200, "text/csv; charset=utf-8", body).header(
            "Content-Disposition",
            &format!("attachment; filename=\"{filename}\""),
        )
    }

    /// 303 See Other: after a form POST the browser GETs the new page. Characters
    /// beyond ASCII (a store name in a path) are percent-encoded, as headers are ASCII.
    pub fn redirect(to: &str) -> Reply {
        let mut location = String::with_capacity(to.len());
        for c in to.chars() {
            if c.is_ascii() {
                location.push(c);
            } else {
                let mut bytes = [0u8; 4];
                for b in c.encode_utf8(&mut bytes).bytes() {
                    location.push_str(&format!("%{b:02X}"));
                }
            }
        }
        Reply::bytes(303, "text/plain; charset=utf-8", Vec::new()).header("Location", &location)
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn cookie(self, cookie: String) -> Reply {
        self.header("Set-Cookie", &cookie)
    }

    pub fn cacheable(mut self) -> Reply {
        self.cacheable = true;
        self
    }
}
