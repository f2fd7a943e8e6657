//! WCAG 2.2 A and AA on every page: axe-core (installed from the npm registry by
//! scripts/test.sh) runs in headless Chromium at phone size on every GET page of the
//! route table, in every role that may open it, so a page added later is checked
//! without new test code.

use serde_json::{Value, json};

use crate::roles::Ids;
use crate::support::Server;
use crate::support::webdriver::{Browser, Driver};
use meguri::web::router::table;

/// A login and password, or none for a visitor.
type Login<'a> = Option<(&'a str, &'a str)>;

const AXE: &str = "target/axe/node_modules/axe-core/axe.min.js";

/// Runs axe on the page the browser shows; the violations as readable lines.
fn violations(b: &Browser, axe: &str, page: &str) -> Vec<String> {
    b.call(
        "POST",
        "/execute/sync",
        Some(json!({ "script": format!("if (!window.axe) {{ {axe} }}"), "args": [] })),
    );
    let v: Value = b.run_until_done(
        "const done = arguments[arguments.length - 1];
         axe.run(document, { runOnly: { type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
           .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' at '
               + v.nodes.map(n => n.target.join(' ')).join(', '))),
                 e => done(['axe failed: ' + e]));",
    );
    v.as_array()
        .unwrap_or_else(|| panic!("{page}: axe gave {v}"))
        .iter()
        .map(|x| format!("{page}: {}", x.as_str().unwrap_or_default()))
        .collect()
}

/// What a keyboard user meets on the first `TABS` stops: every focused control shows a
/// focus ring, is not hidden or off screen, and the first stop is the skip link.
fn keyboard_findings(b: &Browser, page: &str) -> Vec<String> {
    const TABS: usize = 12;
    // Pages are opened "eager" (parsed, not loaded): walk once the style sheet applies,
    // or a busy machine shows the skip link unstyled.
    b.run_until_done(
        "const done = arguments[arguments.length - 1];
         if (document.readyState === 'complete') done(true);
         else addEventListener('load', () => done(true));",
    );
    b.call(
        "POST",
        "/execute/sync",
        Some(json!({ "script": "window.__stops = [];
            document.addEventListener('focusin', e => {
              const el = e.target, st = getComputedStyle(el), r = el.getBoundingClientRect();
              window.__stops.push({
                what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                  + (el.className && typeof el.className === 'string'
                     ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                  + ' ' + (el.textContent || el.value || '').trim().slice(0, 30),
                ring: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2,
                seen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                  && r.left < document.documentElement.clientWidth && r.top < innerHeight,
                skip: el.classList.contains('skip'),
              });
            });", "args": [] })),
    );
    b.press_tab(TABS);
    let stops = b.call(
        "POST",
        "/execute/sync",
        Some(json!({ "script": "return window.__stops", "args": [] })),
    );
    let stops = stops.as_array().cloned().unwrap_or_default();
    let mut found = vec![];
    if stops.first().map(|s| s["skip"] == true) != Some(true) {
        found.push(format!(
            "{page}: the first Tab does not reach the skip link but {}",
            stops
                .first()
                .map(|s| s["what"].to_string())
                .unwrap_or_default()
        ));
    }
    for s in &stops {
        if s["ring"] != true {
            found.push(format!("{page}: no visible focus on {}", s["what"]));
        }
        if s["seen"] != true {
            found.push(format!("{page}: focus off screen on {}", s["what"]));
        }
    }
    found
}

/// Text at twice its size (WCAG 1.4.4) still fits the phone's width: nothing needs a
/// sideways scroll of the whole page (wide tables scroll inside their own box).
fn resize_findings(b: &Browser, page: &str) -> Vec<String> {
    let v = b.call(
        "POST",
        "/execute/sync",
        Some(
            json!({ "script": "const h = document.documentElement, width = h.clientWidth;
            const before = h.style.fontSize;
            h.style.fontSize = (parseFloat(getComputedStyle(h).fontSize) * 2) + 'px';
            const wide = [...document.querySelectorAll('main *, header *')]
              .filter(e => e.getBoundingClientRect().right > width + 1
                 && getComputedStyle(e).position !== 'absolute')
              .filter(e => !e.closest('.table-scroll'))
              .slice(0, 3)
              .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                 + ' ' + (e.textContent || '').trim().slice(0, 30));
            const over = h.scrollWidth > width + 1;
            h.style.fontSize = before;
            return over ? wide : [];", "args": [] }),
        ),
    );
    v.as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|w| format!("{page}: at 200% text, wider than the screen: {w}"))
        .collect()
}

fn log_in(b: &Browser, s: &Server, login: &str, password: &str) {
    b.go(&format!("http://{}/login", s.addr));
    b.type_in("#f-login", login);
    b.type_in("#f-password", password);
    b.click("form[action='/login'] button.primary");
    // Wait until the next page is there: only a logged-in page has the logout button
    // (the login page has a main#main too, and would answer at once).
    b.find("form[action='/logout']");
}

#[test]
fn every_page_passes_axe_in_every_role_that_may_open_it() {
    let axe_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(AXE);
    let axe = std::fs::read_to_string(&axe_path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; scripts/test.sh installs axe-core from npm",
            axe_path.display()
        )
    });
    let s = Server::start();
    // Rows for the path parameters, and pages with something on them.
    let (store, code, _) = s.store("確認 青果店", "axe-shop");
    let (resident, token) = s.resident("axe-resident");
    let r = s.as_(&token).post(
        "/api/v1/charges",
        &json!({ "resident_id": resident, "amount": 1000, "method": "credit_card" }),
    );
    let charge = r.json()["charge_id"].as_i64().expect("charge_id");
    let r = s.as_(&token).post(
        "/api/v1/payments",
        &json!({ "store_code": code, "amount": 300 }),
    );
    let payment = r.json()["payment_id"].as_i64().expect("payment_id");
    let ids = Ids {
        store,
        code,
        resident,
        charge,
        payment,
    };
    let mut admin = crate::support::Browser::new(&s);
    crate::accounts::admin_logged_in(&s, &mut admin);
    crate::roles::staff_account(&s, &mut admin, "axe-operator", "operator");
    crate::roles::staff_account(&s, &mut admin, "axe-distributor", "distributor");
    let people: Vec<(Option<&str>, Login)> = vec![
        (None, None),
        (
            Some("admin"),
            Some((s.admin_login.as_str(), "admin-secret-1")),
        ),
        (Some("operator"), Some(("axe-operator", "matrix-pass-77"))),
        (Some("merchant"), Some(("axe-shop", "password-1234"))),
        (
            Some("distributor"),
            Some(("axe-distributor", "matrix-pass-77")),
        ),
        (Some("resident"), Some(("axe-resident", "password-1234"))),
    ];

    let driver = Driver::start();
    let mut found = vec![];
    let mut pages = 0;
    for (role, login) in people {
        let b = driver.session();
        if let Some((l, p)) = login {
            log_in(&b, &s, l, p);
        }
        for route in table() {
            let admitted = match role {
                None => route.anonymous,
                Some(r) => route.roles.contains(&r),
            };
            // Pages only; the till's live feed never ends, the logout link ends the
            // session (its page is the start page, checked anyway).
            if route.api
                || route.method != "GET"
                || !admitted
                || route.pattern.ends_with("/feed")
                || route.pattern == "/logout"
            {
                continue;
            }
            let path = ids.path(route.pattern);
            b.go(&format!("http://{}{path}", s.addr));
            // Downloads, images and plain text are not pages.
            let kind = b.call(
                "POST",
                "/execute/sync",
                Some(json!({ "script": "return document.contentType", "args": [] })),
            );
            if kind.as_str() != Some("text/html") {
                continue;
            }
            pages += 1;
            let page = format!("{} {path}", role.unwrap_or("visitor"));
            found.extend(violations(&b, &axe, &page));
            found.extend(resize_findings(&b, &page));
            found.extend(keyboard_findings(&b, &page));
        }
    }
    assert!(pages > 40, "the crawl reached the pages: {pages}");
    assert!(
        found.is_empty(),
        "{} violations:\n{}",
        found.len(),
        found.join("\n")
    );
    s.verify();
}
