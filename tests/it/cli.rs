//! The command line: init, token create/list/revoke, verify (and what it catches), graceful stop,
//! systemd notifications.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::{BIN, Server, TempDir, meguri, path_of, stdout};

/// A file's permission bits (`0o600`, ...).
pub fn mode(p: impl AsRef<Path>) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    let p = p.as_ref();
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// `--prefix` arguments for `Server::start_with` (and `meguri_lax`): run meguri under the
/// usual permissive umask 022, whatever this test runner's umask is.
pub const LAX_UMASK: [&str; 5] = [
    "--prefix",
    "sh",
    "-c",
    "umask 022 && exec \"$0\" \"$@\"",
    "--",
];

/// Runs the meguri command under umask 022.
pub fn meguri_lax(args: &[&str]) -> Output {
    Command::new(LAX_UMASK[1])
        .args(&LAX_UMASK[2..4])
        .arg(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run meguri")
}

#[test]
fn the_database_its_wal_and_shm_are_for_the_owner_alone() {
    let dir = TempDir::new();
    let db = dir.0.join("city.db");
    let out = meguri_lax(&["init", "--db", path_of(&db)]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(mode(&db), 0o600, "init, under umask 022");
    assert_eq!(mode(db.with_extension("key")), 0o600);
    // A database an older meguri left readable to others is tightened when next opened.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(
        meguri_lax(&["verify", "--db", path_of(&db)])
            .status
            .success()
    );
    assert_eq!(mode(&db), 0o600, "tightened");

    // Served under umask 022: after a write the WAL and shared memory exist, owner-only.
    let mut extra = vec!["--fake-clock"];
    extra.extend_from_slice(&LAX_UMASK);
    let s = Server::start_with(&extra);
    s.resident("hanako");
    for ext in ["", "-wal", "-shm"] {
        assert_eq!(
            mode(format!("{}{ext}", s.db.display())),
            0o600,
            "city.db{ext}"
        );
    }
    s.verify();
}

#[test]
fn init_refuses_an_existing_database() {
    let dir = TempDir::new();
    let db = dir.0.join("x.db");
    let first = meguri(&["init", "--db", path_of(&db)]);
    assert!(first.status.success());
    let before = std::fs::read(&db).unwrap();
    let again = meguri(&["init", "--db", path_of(&db)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing was changed"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(meguri(&["verify", "--db", path_of(&db)]).status.success());
}

#[test]
fn token_create_prints_the_token_last_and_checks_its_arguments() {
    let s = Server::start();
    let t = s.token("integration", None);
    assert_eq!(t.len(), 64);
    assert_eq!(s.as_(&t).get("/api/v1/me").json()["role"], "integration");
    for bad in [
        vec!["--role", "root", "--name", "x"],
        vec!["--role", "resident", "--name", "x"],
        vec!["--role", "resident", "--name", "x", "--subject", "1"],
        vec!["--role", "admin", "--name", " "],
    ] {
        let mut args = vec!["token", "create", "--db", s.db_arg()];
        args.extend_from_slice(&bad);
        let out = meguri(&args);
        assert_eq!(out.status.code(), Some(1), "{bad:?}: {}", stdout(&out));
    }
    s.verify();
}

#[test]
fn token_list_never_shows_a_token_and_revoke_stops_one_at_once() {
    let s = Server::start();
    let (id, resident) = s.resident("hanako");
    let out = meguri(&[
        "token",
        "create",
        "--db",
        s.db_arg(),
        "--role",
        "integration",
        "--name",
        "基幹システム",
    ]);
    let city = stdout(&out).lines().last().unwrap().trim().to_owned();
    assert_eq!(s.as_(&city).get("/api/v1/me").status, 200);

    let list = || {
        let out = meguri(&["token", "list", "--db", s.db_arg()]);
        assert!(out.status.success(), "{out:?}");
        stdout(&out)
    };
    let row = |text: &str, name: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.split('\t').nth(2) == Some(name))
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .split('\t')
            .map(str::to_owned)
            .collect()
    };
    let text = list();
    assert_eq!(
        text.lines().next().unwrap(),
        "id\trole\tname\tsubject\tcreated\tlast_used\texpires\tstatus"
    );
    assert!(!text.contains(&city) && !text.contains(&resident), "{text}");
    let r = row(&text, "基幹システム");
    assert_eq!(
        (r[1].as_str(), r[3].as_str(), r[6].as_str(), r[7].as_str()),
        ("integration", "-", "-", "active")
    );
    assert!(r[5].starts_with("20"), "used once: {r:?}");
    let token_id = r[0].clone();
    assert!(
        text.lines()
            .any(|l| l.split('\t').nth(3) == Some(&id.to_string()))
    );

    let out = meguri(&["token", "revoke", "--db", s.db_arg(), &token_id]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(s.as_(&city).get("/api/v1/me").status, 401);
    assert_eq!(
        s.as_(&resident).get("/api/v1/me").status,
        200,
        "only that one"
    );
    assert_eq!(row(&list(), "基幹システム")[7], "revoked");
    for again in [token_id.as_str(), "424242"] {
        let out = meguri(&["token", "revoke", "--db", s.db_arg(), again]);
        assert_eq!(out.status.code(), Some(1), "{again}");
    }
    let c = rusqlite::Connection::open(&s.db).unwrap();
    let audited: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'token.revoke' AND target = ?1",
            [format!("token:{token_id}")],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
    s.verify();
}

#[test]
fn verify_names_each_broken_invariant() {
    let s = Server::start();
    let (resident, _) = s.resident("hanako");
    s.store("青果店", "seika");
    s.verify();
    let out = meguri(&["verify", "--db", s.db_arg()]);
    assert!(stdout(&out).contains("invariants hold"));

    // Break a copy of the database behind meguri's back.
    let dir = TempDir::new();
    let copy = dir.0.join("broken.db");
    let c = rusqlite::Connection::open(&s.db).unwrap();
    c.execute("VACUUM INTO ?1", [path_of(&copy)]).unwrap();
    drop(c);
    let c = rusqlite::Connection::open(&copy).unwrap();
    c.execute(
        "UPDATE users SET role = 'operator' WHERE id = ?1",
        [resident],
    )
    .unwrap();
    c.execute_batch(
        "PRAGMA foreign_keys = OFF; INSERT INTO sessions VALUES (x'00', 9999, 0, 0, 0);",
    )
    .unwrap();
    // Personal data written around the sealing functions.
    c.execute(
        "UPDATE residents SET phone = '09011112222' WHERE user_id = ?1",
        [resident],
    )
    .unwrap();
    drop(c);
    let out = meguri(&["verify", "--db", path_of(&copy)]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("BROKEN  every resident has a resident login"),
        "{text}"
    );
    assert!(text.contains("BROKEN  foreign keys"), "{text}");
    assert!(text.contains("BROKEN  personal data sealed"), "{text}");
    assert!(text.contains("residents.phone: 1 value(s)"), "{text}");
    assert!(text.contains("ok      schema version"), "{text}");
}

#[test]
fn a_newer_database_is_refused() {
    let dir = TempDir::new();
    let db = dir.0.join("x.db");
    assert!(meguri(&["init", "--db", path_of(&db)]).status.success());
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let out = meguri(&["verify", "--db", path_of(&db)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer than this meguri"));
}

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let s = Server::start();
    assert_eq!(s.api().get("/healthz").status, 200);
    let db = s.db.clone();
    let status = s.terminate();
    assert!(status.success(), "{status:?}");
    let _ = db;
}

#[test]
fn serve_refuses_a_missing_database() {
    let dir = TempDir::new();
    let out = meguri(&[
        "serve",
        "--db",
        path_of(&dir.0.join("none.db")),
        "--addr",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("meguri init"));
}

#[test]
fn demo_database_has_people_and_stores() {
    let dir = TempDir::new();
    let db = dir.0.join("demo.db");
    // `demo` serves after preparing; prepare it through a server run that is stopped at once.
    let mut child = std::process::Command::new(crate::support::BIN)
        .args(["demo", "--db", path_of(&db), "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut text = String::new();
    for l in lines.by_ref() {
        let l = l.unwrap();
        text.push_str(&l);
        text.push('\n');
        if l.starts_with("meguri listening") {
            break;
        }
    }
    for login in ["admin", "admin2", "office", "shop", "hanako"] {
        assert!(text.contains(&format!("login: {login}")), "{text}");
    }
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
    let out = meguri(&["verify", "--db", path_of(&db)]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("3 stores"), "{}", stdout(&out));
    assert!(stdout(&out).contains("2 payments"), "{}", stdout(&out));
}

#[test]
fn systemd_hears_ready_watchdog_pings_and_stopping() {
    use std::os::unix::net::UnixDatagram;
    let dir = TempDir::new();
    let db = dir.0.join("city.db");
    assert!(meguri(&["init", "--db", path_of(&db)]).status.success());
    let socket_path = dir.0.join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut child = std::process::Command::new(crate::support::BIN)
        .args(["serve", "--db", path_of(&db), "--addr", "127.0.0.1:0"])
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "200000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let next = || {
        let mut buf = [0u8; 64];
        let n = socket.recv(&mut buf).expect("a notification");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    assert_eq!(next(), "READY=1");
    // Pings come only while /healthz answers: each one is a real round trip.
    assert_eq!(next(), "WATCHDOG=1");
    assert_eq!(next(), "WATCHDOG=1");
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    loop {
        if next() == "STOPPING=1" {
            break;
        }
    }
    assert!(child.wait().unwrap().success());
}
