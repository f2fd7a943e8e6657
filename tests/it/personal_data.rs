//! Personal data is sealed at rest: the raw database bytes hold no name, phone number,
//! LINE id, bank account or mail address, while the secretariat still finds a resident by
//! phone; the key can be rotated with the server stopped.

use serde_json::json;

use crate::accounts::admin_logged_in;
use crate::applications::application;
use crate::support::{Browser, Html, Server, meguri, path_of, stdout};

const PHONE: &str = "09087654321";
const NAME: &str = "山田ひなこ";
const LINE_ID: &str = "hinako-line-77";
const APPLICANT: &str = "花田 花子";
const EMAIL: &str = "hanaya-secret@example.jp";
const ACCOUNT_NUMBER: &str = "7654321";

/// Everything on disk for the database: the file, its WAL and shared memory.
fn raw_bytes(s: &Server) -> Vec<u8> {
    ["", "-wal", "-shm"]
        .iter()
        .flat_map(|ext| std::fs::read(format!("{}{ext}", s.db.display())).unwrap_or_default())
        .collect()
}

fn assert_absent(bytes: &[u8], secrets: &[&str]) {
    for secret in secrets {
        let needle = secret.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{secret} is readable in the raw database bytes"
        );
    }
}

fn register(s: &Server) -> i64 {
    let r = s.api().post(
        "/api/v1/residents",
        &json!({ "login": "hinako", "password": "password-1234", "display_name": NAME,
                 "phone": "090-8765-4321", "attributes": { "line_id": LINE_ID, "area": "本町" } }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

fn find(b: &mut Browser, phone: &str) -> (u16, Html) {
    let r = b.get(&format!(
        "/office/residents?phone={}",
        crate::support::enc(phone)
    ));
    (r.status, Html::parse(&r.text()))
}

#[test]
fn personal_data_is_absent_from_the_database_bytes_yet_found_by_phone() {
    let s = Server::start();
    let id = register(&s);
    let mut shop = Browser::new(&s);
    let mut form = application(EMAIL, "花屋はなだ");
    form.retain(|(k, _)| *k != "applicant_name");
    form.push(("applicant_name", APPLICANT));
    let r = shop.submit("/apply", "/apply", &form);
    assert_eq!(r.status, 201, "{}", r.text());
    // The lookup of a waiting application by address goes through its keyed hash.
    assert_eq!(shop.submit("/apply", "/apply", &form).status, 409);

    let secrets = [
        PHONE,
        "090-8765-4321",
        NAME,
        LINE_ID,
        APPLICANT,
        EMAIL,
        ACCOUNT_NUMBER,
    ];
    assert_absent(&raw_bytes(&s), &secrets);
    // The server secret (CSRF tokens, card codes) is not in the database either.
    let in_settings: i64 = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM settings WHERE key LIKE '%secret%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_settings, 0);

    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let (status, page) = find(&mut office, "090-8765-4321");
    assert_eq!(status, 200);
    let card = page.text("li.card");
    assert!(card.contains(NAME), "{card}");
    assert!(card.contains("hinako") && card.contains("090-8765-4321") && card.contains(LINE_ID));
    assert!(card.contains(&format!("#{id}")), "{card}");
    // Written differently (full-width digits, no hyphens), the same resident.
    let (_, page) = find(&mut office, "０９０８７６５４３２１");
    assert!(page.text("li.card").contains(NAME));
    let (status, page) = find(&mut office, "090-0000-0000");
    assert_eq!(status, 200);
    assert!(
        page.text(".notice").contains("いません"),
        "{}",
        page.text("main")
    );
    let (status, page) = find(&mut office, "12345");
    assert_eq!(status, 400);
    assert!(page.text(".alert").contains("電話番号"));
    // Who looked whom up is on record.
    let audit = office.get("/admin/audit").text();
    assert!(
        audit.contains("利用者を電話番号で検索"),
        "lookups are audited"
    );
    // A merchant or resident may not look anyone up.
    let (_, _, merchant_token) = s.store("青果店", "seika");
    let r = s
        .as_(&merchant_token)
        .get("/office/residents?phone=09087654321");
    assert_eq!(r.status, 403);

    // Approved, the applicant's shop gets a login that is not the mail address, and
    // neither the logins nor the audit log hold the address.
    let queue = Html::parse(&office.get("/office/applications").text());
    let link = queue.attrs("ul.notice-list a", "href")[0].clone();
    let csrf = crate::support::csrf_of(&office.get(&link).text());
    let r = office.post_form(
        &format!("{link}/decide"),
        &[("csrf", &csrf), ("decision", "approve")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let audit = office.get("/admin/audit").text();
    assert!(audit.contains("加盟店の申請を承認") && !audit.contains(EMAIL));

    // The mail relay still reads the applicant's mail, opened.
    let out = meguri(&["mail", "list", "--db", s.db_arg()]);
    assert!(stdout(&out).contains(EMAIL), "{}", stdout(&out));
    assert_absent(&raw_bytes(&s), &secrets);
    // Nor does any copy left in the WAL once it is checkpointed into the main file.
    let c = rusqlite::Connection::open(&s.db).unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(c);
    assert_absent(&raw_bytes(&s), &secrets);
    s.verify();
}

#[test]
fn the_data_key_rotates_only_with_the_server_stopped_and_everything_still_opens() {
    let mut s = Server::start();
    register(&s);
    let key = s.db.with_extension("key");
    let before = std::fs::read_to_string(&key).unwrap();

    let out = meguri(&["rotate-data-key", "--db", s.db_arg()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stop it first"));
    assert_eq!(
        std::fs::read_to_string(&key).unwrap(),
        before,
        "nothing changed"
    );

    s.kill_hard();
    let old_key = s.db.with_extension("old-key");
    std::fs::copy(&key, &old_key).unwrap();
    let out = meguri(&["rotate-data-key", "--db", s.db_arg()]);
    assert!(out.status.success(), "{out:?}");
    let after = std::fs::read_to_string(&key).unwrap();
    assert_ne!(after, before);
    let key_lines = |t: &str| t.lines().filter(|l| !l.starts_with('#')).count();
    assert_eq!(key_lines(&after), 1, "the old key has left the file");
    assert!(stdout(&out).contains("sealed"), "{}", stdout(&out));

    // The old key no longer opens anything.
    let out = meguri(&[
        "token",
        "create",
        "--db",
        s.db_arg(),
        "--data-key",
        path_of(&old_key),
        "--role",
        "resident",
        "--name",
        "x",
        "--subject",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("could not be opened"),
        "{out:?}"
    );

    s.restart();
    let mut office = Browser::new(&s);
    admin_logged_in(&s, &mut office);
    let (_, page) = find(&mut office, "090-8765-4321");
    assert!(
        page.text("li.card").contains(NAME),
        "the phone index was rebuilt"
    );
    s.verify();
}

#[test]
fn a_key_file_others_can_read_is_refused_at_start() {
    let s = Server::start();
    let key = s.db.with_extension("key");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = meguri(&["serve", "--db", s.db_arg(), "--addr", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("chmod 600"),
        "{out:?}"
    );
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    // Another key (a copy mixed up on the standby, say) is named at start, not on every
    // request.
    let wrong = s.db.with_extension("wrong-key");
    std::fs::write(&wrong, format!("{}\n", "ab".repeat(32))).unwrap();
    std::fs::set_permissions(&wrong, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = meguri(&[
        "serve",
        "--db",
        s.db_arg(),
        "--data-key",
        path_of(&wrong),
        "--addr",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not open this database"),
        "{out:?}"
    );
    s.verify();
}
