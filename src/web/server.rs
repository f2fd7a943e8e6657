//! The HTTP server: tiny_http accepts connections; a pool of worker threads takes
//! requests, runs the route's handler under `catch_unwind`, and answers through
//! `respond`, the one place where bytes go back to the client. The pool has a fixed core;
//! when nearly every worker is waiting for a request body that a client sends slowly,
//! extra workers are started so others are still answered (see `reading_body`).

use crate::i18n::Msg;
use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::error::{Asked, WebError, error_reply};
use super::reply::Reply;
use super::request::{
    Ctx, LANG_COOKIE, SESSION_COOKIE, VIEW_COOKIE, VISITOR_COOKIE, parse_urlencoded,
};
use super::router::{self, Found, Kind, Method};
use super::views::{self, Lang};
use crate::domain::Text;
use crate::service::{App, ServiceError, crypto, identity::accounts, operations::maintenance};

/// A server that is running; `stop` lets in-flight requests finish and joins the workers.
pub struct Running {
    pub addr: SocketAddr,
    http: Arc<Listening>,
    workers: Vec<JoinHandle<()>>,
}

impl Running {
    pub fn stop(self) {
        self.http.stopping.store(true, Ordering::SeqCst);
        for _ in 0..self.http.workers.load(Ordering::SeqCst) {
            self.http.server.unblock();
        }
        for w in self.workers {
            let _ = w.join();
        }
    }
}

/// The tiny_http server and the pool's counters.
struct Listening {
    server: tiny_http::Server,
    stopping: AtomicBool,
    /// Workers alive: the core and any extra ones.
    workers: AtomicUsize,
    /// Workers waiting for a request body right now.
    reading: AtomicUsize,
}

/// Extra workers are started while fewer than this many are free of body reads...
const SPARE_WORKERS: usize = 2;
/// ...up to this many workers in all (each blocked one costs a thread, not a core).
const MAX_WORKERS: usize = 1024;
/// An extra worker with nothing to do for this long ends.
const EXTRA_WORKER_IDLE: Duration = Duration::from_secs(10);

impl Listening {
    /// Starts accepting again if tiny_http's accept thread has ended (a real failure of
    /// the listening socket, or a panic). Passing failures such as running out of
    /// descriptors are retried inside the accept loop and never end it; requests of
    /// connections accepted earlier keep arriving on the same queue.
    fn keep_accepting(&self) {
        if self.stopping.load(Ordering::SeqCst) {
            return;
        }
        match self.server.keep_accepting() {
            Ok(true) => eprintln!("the accept loop had ended: accepting connections again"),
            Ok(false) => {}
            Err(e) => eprintln!("could not start accepting again yet: {e}"),
        }
    }
}

/// Binds `app.config.addr` and starts the worker threads.
pub fn start(app: Arc<App>) -> std::io::Result<Running> {
    raise_descriptor_limit();
    let listener = TcpListener::bind(app.config.addr)?;
    let addr = listener.local_addr()?;
    let limits = tiny_http::ConnectionLimits {
        timeout: Some(app.config.idle_timeout),
        ..tiny_http::ConnectionLimits::default()
    };
    let server = tiny_http::Server::from_listener_with(listener, None, limits)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let http = Arc::new(Listening {
        server,
        stopping: AtomicBool::new(false),
        workers: AtomicUsize::new(0),
        reading: AtomicUsize::new(0),
    });
    let count = app.config.workers.max(1);
    {
        let http = http.clone();
        std::thread::Builder::new()
            .name("accept-watch".into())
            .spawn(move || watch_accepting(&http))?;
    }
    http.workers.store(count, Ordering::SeqCst);
    let workers = (0..count)
        .map(|i| {
            let (app, http) = (app.clone(), http.clone());
            std::thread::Builder::new()
                .name(format!("http-{i}"))
                .spawn(move || worker(&app, &http, false))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    Ok(Running {
        addr,
        http,
        workers,
    })
}

/// Takes requests until the server stops; an extra worker also ends after a quiet spell.
fn worker(app: &Arc<App>, http: &Arc<Listening>, extra: bool) {
    while !http.stopping.load(Ordering::SeqCst) {
        let next = if extra {
            http.server.recv_timeout(EXTRA_WORKER_IDLE)
        } else {
            http.server.recv().map(Some)
        };
        match next {
            Ok(Some(rq)) => handle(app, http, rq),
            Ok(None) => break,
            // `unblock()` (a stop) wakes us this way: look again.
            Err(e) if e.to_string() == "thread unblocked" => {}
            Err(e) if !http.stopping.load(Ordering::SeqCst) => {
                eprintln!("accepting connections failed: {e}");
                http.keep_accepting();
            }
            Err(_) => {}
        }
    }
    if extra {
        http.workers.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Marks this worker as waiting for a request body until the guard drops. When that
/// leaves fewer than `SPARE_WORKERS` free, an extra worker starts: a client trickling its
/// body then holds one thread until the socket timeout, never the whole service.
fn reading_body(app: &Arc<App>, http: &Arc<Listening>) -> ReadingBody {
    let reading = http.reading.fetch_add(1, Ordering::SeqCst) + 1;
    let add = http
        .workers
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n.saturating_sub(reading) < SPARE_WORKERS && n < MAX_WORKERS).then_some(n + 1)
        })
        .is_ok();
    if add {
        let (app, http2) = (app.clone(), http.clone());
        let started = std::thread::Builder::new()
            .name("http-extra".into())
            .spawn(move || worker(&app, &http2, true));
        if started.is_err() {
            http.workers.fetch_sub(1, Ordering::SeqCst);
        }
    }
    ReadingBody(http.clone())
}

struct ReadingBody(Arc<Listening>);

impl Drop for ReadingBody {
    fn drop(&mut self) {
        self.0.reading.fetch_sub(1, Ordering::SeqCst);
    }
}

/// tiny_http's accept thread can also die without a word (a panic when descriptors run
/// out at the wrong moment): look once a second and start it again.
fn watch_accepting(http: &Listening) {
    while !http.stopping.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_secs(1));
        http.keep_accepting();
    }
}

/// Lets the process use as many descriptors as the system allows it, so many idle
/// connections do not run it out of them early.
fn raise_descriptor_limit() {
    // SAFETY: plain libc calls on a local struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

fn handle(app: &Arc<App>, http: &Arc<Listening>, mut rq: tiny_http::Request) {
    let started = Instant::now();
    let (method, url) = (rq.method().to_string(), rq.url().to_owned());
    let reply = match catch_unwind(AssertUnwindSafe(|| dispatch(app, http, &mut rq))) {
        Ok(reply) => reply,
        Err(_) => {
            // The panic hook already logged the message and location.
            let path = url.split('?').next().unwrap_or("");
            let asked = Asked {
                kind: router::kind_of(path),
                lang: Lang::Ja,
                path,
                view: views::ViewPrefs::default(),
            };
            error_reply(app, &asked, &WebError::Panic)
        }
    };
    let status = reply.status;
    respond(app, rq, reply);
    app.metrics.record(status, started.elapsed());
    log_request(&method, &url, status, started);
}

fn log_request(method: &str, url: &str, status: u16, started: Instant) {
    // Query strings may carry search words; the path is enough for the log.
    let path = url.split('?').next().unwrap_or("");
    // One write per line: stderr is unbuffered, and a formatted eprintln! costs a system
    // call per fragment on every request.
    let line = format!(
        "{} {method} {path} {status} {}ms\n",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
        started.elapsed().as_millis()
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
}

/// The address a request came from, for per-address rate limits. Behind a reverse proxy
/// on the same machine every peer is loopback, so the address the proxy appended to
/// X-Forwarded-For counts instead (only from loopback: others could forge the header).
fn client_address(peer: Option<std::net::IpAddr>, forwarded_for: Option<&str>) -> String {
    let forwarded = forwarded_for
        .and_then(|v| v.rsplit(',').next())
        .and_then(|a| a.trim().parse::<std::net::IpAddr>().ok());
    match (peer, forwarded) {
        (Some(p), Some(f)) if p.is_loopback() => f.to_string(),
        (Some(p), _) => p.to_string(),
        (None, _) => String::new(),
    }
}

/// Turns a request into a reply: route, read the body, authenticate, check the role and
/// the CSRF token, run the handler.
fn dispatch(app: &Arc<App>, http: &Arc<Listening>, rq: &mut tiny_http::Request) -> Reply {
    let url = rq.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let headers: Vec<(String, String)> = rq
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_ascii_lowercase(),
                h.value.as_str().to_owned(),
            )
        })
        .collect();
    let kind = router::kind_of(path);
    let cookie = |name: &str| -> Option<String> {
        headers
            .iter()
            .find(|(k, _)| k == "cookie")
            .and_then(|(_, c)| {
                c.split(';').find_map(|kv| {
                    let (k, v) = kv.trim().split_once('=')?;
                    (k == name).then(|| v.to_owned())
                })
            })
    };
    let accept = headers
        .iter()
        .find(|(k, _)| k == "accept-language")
        .and_then(|(_, v)| Lang::from_accept_language(v));
    // Pages: the visitor's choice, else the browser's, else Japanese. The API: what the
    // client asks for, else English.
    let lang = match kind {
        Kind::Page => cookie(LANG_COOKIE)
            .and_then(|c| Lang::from_code(&c))
            .or(accept)
            .unwrap_or(Lang::Ja),
        Kind::Api => accept.unwrap_or(Lang::En),
    };

    let mut asked = Asked {
        kind,
        lang,
        path,
        view: views::ViewPrefs::parse(&cookie(VIEW_COOKIE).unwrap_or_default()),
    };
    let not_allowed = |name: String| {
        let allow = router::allowed(path);
        if allow.is_empty() {
            return error_reply(app, &asked, &WebError::RouteNotFound);
        }
        error_reply(app, &asked, &WebError::MethodNotAllowed(name))
            .header("Allow", &allow.join(", "))
    };
    let Some(method) = Method::parse(rq.method().as_str()) else {
        return not_allowed(rq.method().to_string());
    };
    let (route, params) = match router::find(method, path) {
        Found::Route(r, p) => (r, p),
        Found::WrongMethod => return not_allowed(method.as_str().into()),
        Found::None => return error_reply(app, &asked, &WebError::RouteNotFound),
    };
    let kind = route.kind;
    asked.kind = kind;

    // Bodies of up to 1 KiB were read whole by tiny_http before the request reached us;
    // only larger or chunked ones can keep a worker waiting.
    let may_wait = headers.iter().any(|(k, v)| {
        k == "transfer-encoding"
            || (k == "content-length" && v.trim().parse::<usize>().map_or(true, |n| n > 1024))
    });
    let reading = may_wait.then(|| reading_body(app, http));
    let body = match read_body(rq, &headers, app.config.max_body) {
        Ok(b) => b,
        Err(e) => return error_reply(app, &asked, &e),
    };
    drop(reading);
    let (visitor_id, new_visitor) = match cookie(VISITOR_COOKIE).filter(|v| v.len() == 64) {
        Some(v) => (v, false),
        None => (crypto::random_token(), true),
    };
    let remote = client_address(
        rq.remote_addr().map(|a| a.ip()),
        headers
            .iter()
            .find(|(k, _)| k == "x-forwarded-for")
            .map(|(_, v)| v.as_str()),
    );
    let mut ctx = Ctx {
        app,
        shared: app.clone(),
        method,
        path: path.to_owned(),
        query: parse_urlencoded(query),
        params,
        headers,
        body,
        principal: None,
        session_token: None,
        visitor_id,
        new_visitor,
        lang,
        remote,
    };

    let result = authenticate(&mut ctx).and_then(|cookie_auth| {
        if !route.access.admits(ctx.principal.as_ref().map(|p| p.role)) {
            return Err(match &ctx.principal {
                None => WebError::LoginRequired,
                Some(p) => WebError::WrongRole(p.role.to_string()),
            });
        }
        check_csrf(&ctx, kind, cookie_auth)?;
        if method != Method::Get
            && !ALLOWED_WHILE_READ_ONLY.contains(&route.pattern)
            && maintenance::read_only(app)
        {
            return Err(WebError::ReadOnly);
        }
        let must_change = ctx
            .principal
            .as_ref()
            .is_some_and(|p| p.must_change_password);
        if must_change && !ALLOWED_BEFORE_NEW_PASSWORD.contains(&route.pattern) {
            return match kind {
                Kind::Page => Ok(Reply::redirect("/password")),
                Kind::Api => Err(accounts::new_password_first().into()),
            };
        }
        (route.handler)(&mut ctx)
    });
    let mut reply = match result {
        Ok(r) => r,
        Err(WebError::LoginRequired) if kind == Kind::Page => {
            let next = if method == Method::Get { path } else { "/" };
            Reply::redirect(&format!(
                "/login?next={}",
                super::request::percent_encode(next)
            ))
        }
        Err(e) => error_reply(app, &asked, &e),
    };
    if kind == Kind::Page && ctx.new_visitor {
        reply = reply.cookie(format!(
            "{VISITOR_COOKIE}={}{}",
            ctx.visitor_id,
            ctx.cookie_attrs(Some(400 * 86400))
        ));
    }
    reply
}

/// What still works while meguri is read-only for maintenance: logging in and out (the
/// session is not the city's data), the language, and turning read-only off again.
const ALLOWED_WHILE_READ_ONLY: &[&str] = &[
    "/login",
    "/logout",
    "/api/v1/auth/token",
    "/admin/maintenance/read-only",
];

/// What a person logged in with a one-time password (or holding a token obtained with
/// one) may use before choosing a new password.
const ALLOWED_BEFORE_NEW_PASSWORD: &[&str] = &[
    "/password",
    "/api/v1/me/password",
    "/logout",
    "/lang",
    "/view",
    "/assets/brand.css",
    "/assets/{name}",
];

/// Finds the principal: a bearer token (which must be valid when presented) or a session
/// cookie (ignored when stale). Returns whether the principal came from a cookie, since
/// only cookie-authenticated requests need a CSRF token.
fn authenticate(ctx: &mut Ctx) -> Result<bool, WebError> {
    if let Some(auth) = ctx.header("authorization") {
        let token = auth.strip_prefix("Bearer ").map(str::trim).ok_or_else(|| {
            WebError::Service(ServiceError::Unauthorized(Text::new(
                Msg::UseAuthorizationBearerToken,
            )))
        })?;
        ctx.principal = Some(accounts::token_principal(ctx.app, token)?.ok_or_else(|| {
            WebError::Service(ServiceError::Unauthorized(Text::new(
                Msg::TheTokenIsUnknownExpired,
            )))
        })?);
        return Ok(false);
    }
    if let Some(token) = ctx.cookie(SESSION_COOKIE).filter(|t| t.len() == 64)
        && let Some(p) = accounts::session_principal(ctx.app, &token)?
    {
        ctx.principal = Some(p);
        ctx.session_token = Some(token);
        return Ok(true);
    }
    Ok(false)
}

/// Forms carry the token in a `csrf` field (logged-out forms too, bound to the visitor
/// cookie); scripts calling the API with a session cookie send it as `X-CSRF-Token`.
/// Requests with a bearer token carry no ambient credentials and need none.
fn check_csrf(ctx: &Ctx, kind: Kind, cookie_auth: bool) -> Result<(), WebError> {
    let bearer = ctx.principal.is_some() && !cookie_auth;
    if ctx.method == Method::Get || bearer {
        return Ok(());
    }
    let ok = match kind {
        Kind::Page => {
            let form = ctx.form();
            ctx.csrf_ok(super::request::field(&form, "csrf"))
        }
        Kind::Api if cookie_auth => ctx.csrf_ok(ctx.header("x-csrf-token")),
        Kind::Api => true,
    };
    if ok { Ok(()) } else { Err(WebError::Csrf) }
}

fn read_body(
    rq: &mut tiny_http::Request,
    headers: &[(String, String)],
    limit: usize,
) -> Result<Vec<u8>, WebError> {
    let declared = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(WebError::PayloadTooLarge(limit));
    }
    let mut body = Vec::new();
    rq.as_reader()
        .take(limit as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| WebError::BadRequest(format!("could not read the request body: {e}")))?;
    if body.len() > limit {
        return Err(WebError::PayloadTooLarge(limit));
    }
    Ok(body)
}

/// Writes the reply with the security headers every response carries.
fn respond(app: &App, rq: tiny_http::Request, reply: Reply) {
    // A header name or value holding CR, LF or NUL would let a request write headers of
    // its own (a cookie on the city's domain): such a reply is never sent.
    let reply = match reply.headers.iter().find(|(k, v)| !header_is_safe(k, v)) {
        Some((k, _)) => {
            eprintln!(
                "error: refused to send a {k} header holding a control or non-ASCII character"
            );
            Reply::bytes(
                500,
                "text/plain; charset=utf-8",
                b"500 Internal Server Error".to_vec(),
            )
        }
        None => reply,
    };
    let mut headers = vec![
        ("Content-Type", reply.content_type.to_owned()),
        ("X-Content-Type-Options", "nosniff".to_owned()),
        ("X-Frame-Options", "DENY".to_owned()),
        ("Referrer-Policy", "same-origin".to_owned()),
        (
            "Content-Security-Policy",
            format!(
                "default-src 'self'; img-src 'self' data: blob: {}; style-src 'self'; script-src 'self'; \
                 object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
                app.config.tile_origin().unwrap_or("")
            ),
        ),
        (
            "Cache-Control",
            if reply.cacheable {
                "public, max-age=3600"
            } else {
                "no-store"
            }
            .to_owned(),
        ),
    ];
    if app.config.https() {
        headers.push(("Strict-Transport-Security", "max-age=31536000".to_owned()));
    }
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    for (k, v) in headers
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .chain(reply.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    if let Err(e) = rq.respond(response) {
        // The client went away; nothing more to do for it.
        eprintln!("could not send the response: {e}");
    }
}

/// Header names and values go on the wire as they are: none may break a line, and all
/// are ASCII (anything else would be dropped silently on the way out).
fn header_is_safe(name: &str, value: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
        && value
            .bytes()
            .all(|b| b.is_ascii() && !matches!(b, b'\r' | b'\n' | 0))
}

#[cfg(test)]
mod tests {
    use super::{client_address, header_is_safe};

    #[test]
    fn no_header_may_break_a_line() {
        assert!(header_is_safe("Location", "/app?x=1"));
        for v in ["/\r\nSet-Cookie: a=b", "/\nx", "/\0"] {
            assert!(!header_is_safe("Location", v), "{v:?}");
        }
        assert!(!header_is_safe("Set-Cookie: a", "b"));
        assert!(!header_is_safe("Location", "/あ"), "not ASCII");
        assert!(!header_is_safe("", "b"));
    }

    #[test]
    fn only_a_local_proxy_may_name_the_client() {
        let local = Some("127.0.0.1".parse().unwrap());
        let remote = Some("203.0.113.9".parse().unwrap());
        assert_eq!(client_address(local, None), "127.0.0.1");
        assert_eq!(
            client_address(local, Some("10.0.0.1, 198.51.100.7")),
            "198.51.100.7",
            "the proxy appends the address it saw last"
        );
        assert_eq!(client_address(local, Some("garbage")), "127.0.0.1");
        assert_eq!(client_address(remote, Some("198.51.100.7")), "203.0.113.9");
        assert_eq!(client_address(None, Some("198.51.100.7")), "");
    }
}
