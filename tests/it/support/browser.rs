//! Test support for pages: a browser-like client with cookies and CSRF tokens, and HTML
//! parsing helpers.

use super::{Resp, Server, request};

/// A browser-like client: keeps cookies, follows nothing by itself.
pub struct Browser<'a> {
    server: &'a Server,
    pub cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a Server) -> Browser<'a> {
        Browser {
            server,
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, r: &Resp) {
        for (k, v) in &r.headers {
            if !k.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let pair = v.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            if !(value.is_empty() || v.contains("Max-Age=0")) {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    pub fn get(&mut self, path: &str) -> Resp {
        let c = self.cookie_header();
        let r = request(&self.server.addr, "GET", path, &[("Cookie", &c)], b"");
        self.remember(&r);
        r
    }

    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let c = self.cookie_header();
        let r = request(
            &self.server.addr,
            "POST",
            path,
            &[
                ("Cookie", &c),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        );
        self.remember(&r);
        r
    }

    /// Posts `multipart/form-data`: text fields and files (name, filename, content type, bytes).
    pub fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Resp {
        let boundary = "meguriTestBoundary7x";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, filename, ty, data) in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {ty}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let c = self.cookie_header();
        let ct = format!("multipart/form-data; boundary={boundary}");
        let r = request(
            &self.server.addr,
            "POST",
            path,
            &[("Cookie", &c), ("Content-Type", &ct)],
            &body,
        );
        self.remember(&r);
        r
    }

    /// Loads `page`, takes the CSRF token of its form, and submits `fields` to `action`.
    pub fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let p = self.get(page);
        assert_eq!(p.status, 200, "{page}: {}", p.text());
        let csrf = csrf_of(&p.text());
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all)
    }

    /// Logs in through the login form; returns the redirect target.
    pub fn login(&mut self, login: &str, password: &str) -> String {
        let r = self.submit(
            "/login",
            "/login",
            &[("login", login), ("password", password)],
        );
        assert_eq!(r.status, 303, "login as {login} failed: {}", r.text());
        r.header("location").unwrap().to_owned()
    }
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Parsed HTML with a few queries the tests need.
pub struct Html(String);

impl Html {
    pub fn parse(s: &str) -> Html {
        Html(s.to_owned())
    }

    fn dom(&self) -> tl::VDom<'_> {
        tl::parse(&self.0, tl::ParserOptions::default()).expect("HTML parses")
    }

    /// Nodes matching a selector; a space between simple selectors means "inside".
    fn select<'d>(dom: &'d tl::VDom<'d>, selector: &str) -> Vec<tl::NodeHandle> {
        let p = dom.parser();
        let mut parts = selector.split_whitespace();
        let mut found: Vec<tl::NodeHandle> = match parts.next() {
            Some(first) => dom
                .query_selector(first)
                .map(|it| it.collect())
                .unwrap_or_default(),
            None => return Vec::new(),
        };
        for part in parts {
            let mut next = Vec::new();
            for h in &found {
                if let Some(tag) = h.get(p).and_then(|n| n.as_tag())
                    && let Some(it) = tag.query_selector(p, part)
                {
                    next.extend(it);
                }
            }
            next.dedup();
            found = next;
        }
        found
    }

    /// Text of every element matching a selector.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let dom = self.dom();
        let p = dom.parser();
        Html::select(&dom, selector)
            .into_iter()
            .filter_map(|h| h.get(p))
            .map(|n| decode_entities(&n.inner_text(p)).trim().to_owned())
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.texts(selector)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {selector} in page"))
    }

    /// An attribute of every element matching a selector.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let dom = self.dom();
        let p = dom.parser();
        Html::select(&dom, selector)
            .into_iter()
            .filter_map(|h| h.get(p))
            .filter_map(|n| n.as_tag())
            .filter_map(|t| {
                t.attributes()
                    .get(attr)
                    .flatten()
                    .map(|v| decode_entities(&v.as_utf8_str()))
            })
            .collect()
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The CSRF token in a page's form.
pub fn csrf_of(html: &str) -> String {
    Html::parse(html)
        .attrs("input[name=csrf]", "value")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no csrf field in {html}"))
}
