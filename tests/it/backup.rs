//! Backups: taken while payments flow, restored to a new file that verifies and serves the
//! same balances; a changed, cut-short or wrongly keyed backup and an existing target are
//! refused without touching anything.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde_json::json;

use crate::cli::{meguri_lax, mode};
use crate::support::{Server, TempDir, meguri, path_of, stdout};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_backup_taken_mid_storm_restores_to_a_verified_city() {
    let s = Server::start();
    let (_, code, _) = s.store("めぐり青果店", "seika");
    let admin = s.admin();
    let mut people = Vec::new();
    for i in 0..4 {
        let (id, token) = s.resident(&format!("bk-{i}"));
        let r = s.as_(&admin).post(
            "/api/v1/charges",
            &json!({ "resident_id": id, "amount": 1_000_000, "method": "admin" }),
        );
        assert_eq!(r.status, 201);
        people.push(token);
    }
    let dir = TempDir::new();
    let key = dir.0.join("backup.key");
    let out = meguri(&["keygen", "--to", path_of(&key)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let again = meguri(&["keygen", "--to", path_of(&key)]);
    assert_eq!(again.status.code(), Some(1), "a key is never replaced");

    // Payments keep coming while two backups are taken.
    let stop = AtomicBool::new(false);
    let paid = AtomicUsize::new(0);
    let refused = AtomicBool::new(false);
    let backups: Vec<_> = std::thread::scope(|sc| {
        for token in &people {
            let (s, code, stop, paid, refused) = (&s, &code, &stop, &paid, &refused);
            sc.spawn(move || {
                while !stop.load(Ordering::SeqCst) && !refused.load(Ordering::SeqCst) {
                    let r = s.as_(token).post(
                        "/api/v1/payments",
                        &json!({ "store_code": code, "amount": 120 }),
                    );
                    if r.status != 201 {
                        eprintln!("payment refused: {}", r.text());
                        refused.store(true, Ordering::SeqCst);
                        return;
                    }
                    paid.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        // However this ends (even by a failed assertion), the payers stop.
        let _stop_payers = StopOnDrop(&stop);
        let taken: Vec<_> = (0..2)
            .map(|i| {
                // Wait for the storm to be under way (progress, not time).
                let start = paid.load(Ordering::SeqCst);
                while paid.load(Ordering::SeqCst) < start + 20 {
                    assert!(!refused.load(Ordering::SeqCst), "a payment was refused");
                    std::thread::yield_now();
                }
                let file = dir.0.join(format!("city-{i}.backup"));
                let out = meguri_lax(&[
                    "backup",
                    "--db",
                    s.db_arg(),
                    "--to",
                    path_of(&file),
                    "--key",
                    path_of(&key),
                ]);
                assert!(out.status.success(), "{}", stderr(&out));
                assert!(stdout(&out).contains("payments"), "{}", stdout(&out));
                file
            })
            .collect();
        taken
    });
    s.verify();
    let metrics = s.as_(&admin).get("/metrics").text();
    assert!(
        metrics.contains("\nmeguri_last_backup_age_seconds "),
        "{metrics}"
    );

    // The backup is sealed: the database's text does not appear in it.
    let sealed = std::fs::read(&backups[1]).unwrap();
    assert!(sealed.starts_with(b"MEGURI-BACKUP-1\n"));
    assert!(!sealed.windows(15).any(|w| w == b"SQLite format 3"));

    let restored = dir.0.join("restored.db");
    let out = meguri_lax(&[
        "restore",
        "--from",
        path_of(&backups[1]),
        "--to",
        path_of(&restored),
        "--key",
        path_of(&key),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("every invariant holds"));
    assert_eq!(mode(&restored), 0o600, "the ledger, for its owner alone");
    assert_eq!(mode(&backups[1]), 0o600);
    let out = meguri(&["verify", "--db", path_of(&restored)]);
    assert!(out.status.success(), "{}", stdout(&out));

    // The restored city holds every payment that was in it when the backup was taken:
    // a consistent prefix of the live one.
    let payments = |db: &std::path::Path| -> Vec<(i64, i64)> {
        let c = rusqlite::Connection::open(db).unwrap();
        let mut q = c
            .prepare("SELECT id, amount FROM payments ORDER BY id")
            .unwrap();
        q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let (live, back) = (payments(&s.db), payments(&restored));
    assert!(!back.is_empty() && back.len() <= live.len());
    assert_eq!(live[..back.len()], back[..]);

    // Restore never overwrites, and a bad backup or key changes nothing.
    let before = std::fs::read(&restored).unwrap();
    let out = meguri(&[
        "restore",
        "--from",
        path_of(&backups[0]),
        "--to",
        path_of(&restored),
        "--key",
        path_of(&key),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("never overwrites"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&restored).unwrap(), before);

    let other_key = dir.0.join("other.key");
    assert!(
        meguri(&["keygen", "--to", path_of(&other_key)])
            .status
            .success()
    );
    let cut = dir.0.join("cut.backup");
    std::fs::write(&cut, &sealed[..sealed.len() - 100]).unwrap();
    let mut flipped = sealed.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    let changed = dir.0.join("changed.backup");
    std::fs::write(&changed, &flipped).unwrap();
    for (from, k) in [(&cut, &key), (&changed, &key), (&backups[1], &other_key)] {
        let target = dir.0.join("never.db");
        let out = meguri(&[
            "restore",
            "--from",
            path_of(from),
            "--to",
            path_of(&target),
            "--key",
            path_of(k),
        ]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("not an intact meguri backup"),
            "{}",
            stderr(&out)
        );
        assert!(!target.exists());
    }
    // Only the files this test wrote are there: nothing half-restored was left behind.
    let mut names: Vec<String> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "backup.key",
            "changed.backup",
            "city-0.backup",
            "city-1.backup",
            "cut.backup",
            "other.key",
            "restored.db"
        ]
    );

    // A key others can read is refused.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = meguri(&[
        "backup",
        "--db",
        s.db_arg(),
        "--to",
        path_of(&dir.0.join("x.backup")),
        "--key",
        path_of(&key),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
    s.verify();
}
