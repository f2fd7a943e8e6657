//! One request as handlers see it: path parameters, query, cookies, body, the principal
//! and the visitor's language. Parsing of wire formats (JSON, forms) happens here, and
//! failures become `invalid_request`.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::error::WebError;
use super::router::Method;
use super::views::Lang;
use crate::service::{App, Principal, crypto};

pub struct Ctx<'a> {
    pub app: &'a App,
    /// The same app, shareable with work that outlives the borrow (group commit).
    pub shared: Arc<App>,
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub params: Vec<String>,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub principal: Option<Principal>,
    /// The raw session cookie value when the visitor has a live session.
    pub session_token: Option<String>,
    /// The anonymous visitor id that CSRF tokens of logged-out forms are bound to.
    pub visitor_id: String,
    /// Set when a new visitor id must be sent as a cookie with the reply.
    pub new_visitor: bool,
    pub lang: Lang,
    pub remote: String,
}

pub const SESSION_COOKIE: &str = "meguri_session";
pub const VISITOR_COOKIE: &str = "meguri_visitor";
pub const LANG_COOKIE: &str = "meguri_lang";
pub const VIEW_COOKIE: &str = "meguri_view";

impl<'a> Ctx<'a> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.header("cookie").and_then(|c| {
            c.split(';').find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                (k == name).then(|| v.to_owned())
            })
        })
    }

    /// How the visitor chose to see the pages.
    pub fn view(&self) -> super::views::ViewPrefs {
        super::views::ViewPrefs::parse(&self.cookie(VIEW_COOKIE).unwrap_or_default())
    }

    pub fn query_get(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Path parameter `i` (in pattern order) as an id; a malformed id is simply not found.
    pub fn param_id(&self, i: usize) -> Result<i64, WebError> {
        self.params
            .get(i)
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|&n| n > 0)
            .ok_or(WebError::RouteNotFound)
    }

    /// The JSON body as a wire type; unknown fields and wrong types are refused.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, WebError> {
        if self.body.is_empty() {
            return Err(WebError::BadRequest("a JSON body is required".into()));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| WebError::BadRequest(format!("invalid JSON body: {e}")))
    }

    /// The form body as name-value pairs: `application/x-www-form-urlencoded`, or the text
    /// fields of `multipart/form-data`.
    pub fn form(&self) -> Vec<(String, String)> {
        match self.boundary() {
            Some(b) => parse_multipart(&self.body, &b)
                .into_iter()
                .filter(|p| p.filename.is_none())
                .map(|p| (p.name, String::from_utf8_lossy(&p.data).into_owned()))
                .collect(),
            None => parse_urlencoded(&String::from_utf8_lossy(&self.body)),
        }
    }

    /// The files of a `multipart/form-data` body.
    pub fn files(&self) -> Vec<Part> {
        match self.boundary() {
            Some(b) => parse_multipart(&self.body, &b)
                .into_iter()
                .filter(|p| p.filename.is_some())
                .collect(),
            None => Vec::new(),
        }
    }

    fn boundary(&self) -> Option<String> {
        let ct = self.header("content-type")?;
        if !ct
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
        {
            return None;
        }
        ct.split(';')
            .find_map(|p| p.trim().strip_prefix("boundary="))
            .map(|b| b.trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    }

    /// The principal, or the error that says to log in.
    pub fn who(&self) -> Result<&Principal, WebError> {
        self.principal.as_ref().ok_or(WebError::LoginRequired)
    }

    /// The CSRF token forms on this page must carry: a MAC of the session (or, before
    /// login, of the visitor id), so a token from another session or site is refused.
    pub fn csrf_token(&self) -> String {
        let bound = match &self.session_token {
            Some(s) => format!("session:{s}"),
            None => format!("visitor:{}", self.visitor_id),
        };
        crypto::hex(&crypto::hmac_sha256(&self.app.secret, bound.as_bytes())[..16])
    }

    /// Whether `presented` is this request's CSRF token.
    pub fn csrf_ok(&self, presented: Option<&str>) -> bool {
        presented
            .is_some_and(|p| crypto::constant_time_eq(p.as_bytes(), self.csrf_token().as_bytes()))
    }

    /// Cookie attributes: HttpOnly, SameSite=Lax, and Secure when served over https.
    pub fn cookie_attrs(&self, max_age: Option<i64>) -> String {
        let mut a = String::from("; Path=/; HttpOnly; SameSite=Lax");
        if self.app.config.https() {
            a.push_str("; Secure");
        }
        if let Some(s) = max_age {
            a.push_str(&format!("; Max-Age={s}"));
        }
        a
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Splits a multipart body into its parts; malformed parts are skipped.
pub fn parse_multipart(body: &[u8], boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = body;
    // Skip the preamble up to the first delimiter.
    let Some(start) = find(rest, &delimiter) else {
        return parts;
    };
    rest = &rest[start + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            break;
        }
        rest = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let Some(end) = find(rest, &delimiter) else {
            break;
        };
        let chunk = rest[..end].strip_suffix(b"\r\n").unwrap_or(&rest[..end]);
        rest = &rest[end + delimiter.len()..];
        let Some(split) = find(chunk, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&chunk[..split]);
        let data = chunk[split + 4..].to_vec();
        let mut name = None;
        let mut filename = None;
        let mut content_type = None;
        for line in head.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            match k.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for attr in v.split(';').map(str::trim) {
                        if let Some(n) = attr.strip_prefix("name=") {
                            name = Some(n.trim_matches('"').to_owned());
                        } else if let Some(f) = attr.strip_prefix("filename=") {
                            filename = Some(f.trim_matches('"').to_owned());
                        }
                    }
                }
                "content-type" => content_type = Some(v.trim().to_owned()),
                _ => {}
            }
        }
        if let Some(name) = name {
            parts.push(Part {
                name,
                filename,
                content_type,
                data,
            });
        }
    }
    parts
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes `%XX` escapes and `+` (as a space), leaving malformed escapes as they are.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match hex_pair(b[i + 1], b[i + 2]) {
                Some(v) => {
                    out.push(v);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_pair(hi: u8, lo: u8) -> Option<u8> {
    let d = |c: u8| (c as char).to_digit(16);
    Some((d(hi)? * 16 + d(lo)?) as u8)
}

pub fn parse_urlencoded(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

/// Encodes a string for use in a URL query.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Looks up a form field.
pub fn field<'f>(form: &'f [(String, String)], name: &str) -> Option<&'f str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x00\r\n--XyZ--\r\n";
        let parts = parse_multipart(body, "XyZ");
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].name.as_str(), parts[0].data.as_slice()),
            ("csrf", &b"abc"[..])
        );
        assert_eq!(parts[1].filename.as_deref(), Some("a.png"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
        assert_eq!(parts[1].data, b"\x89PNG\r\n\x00");
        assert!(parse_multipart(b"garbage", "XyZ").is_empty());
        assert!(parse_multipart(b"--XyZ\r\nno headers end", "XyZ").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn multipart_never_panics(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let mut b = b"--B\r\n".to_vec();
            b.extend_from_slice(&body);
            let _ = parse_multipart(&b, "B");
        }
    }

    #[test]
    fn decodes() {
        assert_eq!(percent_decode("a+b%20c"), "a b c");
        assert_eq!(percent_decode("%E3%81%82"), "あ");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(
            parse_urlencoded("a=1&b=&c&d=x%3Dy"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "".into()),
                ("c".into(), "".into()),
                ("d".into(), "x=y".into())
            ]
        );
        assert_eq!(percent_decode(&percent_encode("/a b?&あ")), "/a b?&あ");
    }
}
