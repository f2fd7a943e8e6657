//! The journal's hash versions: a city whose entries were hashed the legacy way (version 1,
//! before the explicit encoding and its `hash_version` column) verifies after the upgrade
//! and goes on verifying as new version 2 entries chain on; a changed entry of either
//! version is caught.

use std::path::Path;

use meguri::domain::Amount;
use meguri::domain::journal::{Account, EntryHead, HashVersion, Posting, entry_hash};

use crate::ledger::{charge, pay};
use crate::support::{Server, TempDir, meguri, path_of, stdout};

/// Turns the database into what the meguri before version 2 left behind: every entry
/// hashed (and chained) with the legacy encoding, no `hash_version` column, schema 13.
fn make_legacy(db: &Path) {
    crate::migration::as_schema(db, 13);
    let c = rusqlite::Connection::open(db).unwrap();
    type Head = (i64, String, i64, String, Option<i64>, Option<i64>);
    let heads: Vec<Head> = c
        .prepare("SELECT id, kind, at, actor, wallet_id, store_id FROM entries ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(heads.len() >= 4, "too few entries to test: {}", heads.len());
    let mut prev = vec![0u8; 32];
    for (id, kind, at, actor, wallet_id, store_id) in &heads {
        let postings: Vec<Posting> = c
            .prepare(
                "SELECT account, ref_id, program, amount FROM postings WHERE entry_id = ?1 ORDER BY id",
            )
            .unwrap()
            .query_map([id], |r| {
                let name: String = r.get(0)?;
                Ok(Posting {
                    account: Account::from_parts(&name, r.get(1)?).unwrap(),
                    program: r.get(2)?,
                    amount: Amount(r.get(3)?),
                })
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let head = EntryHead {
            id: *id,
            kind,
            at: *at,
            actor,
            wallet_id: *wallet_id,
            store_id: *store_id,
        };
        let hash = entry_hash(HashVersion::V1Legacy, &prev, &head, &postings);
        c.execute(
            "UPDATE entries SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
            rusqlite::params![id, prev, hash.as_slice()],
        )
        .unwrap();
        prev = hash.to_vec();
    }
}

fn versions(db: &Path) -> Vec<(i64, i64)> {
    rusqlite::Connection::open(db)
        .unwrap()
        .prepare("SELECT id, hash_version FROM entries ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// `meguri verify` on a copy of `db` changed by `sql`: it must fail naming the hash chain
/// and the problem `expect`.
fn damaged(db: &Path, sql: &str, expect: &str) {
    let dir = TempDir::new();
    let copy = dir.0.join("copy.db");
    rusqlite::Connection::open(db)
        .unwrap()
        .execute("VACUUM INTO ?1", [path_of(&copy)])
        .unwrap();
    rusqlite::Connection::open(&copy)
        .unwrap()
        .execute_batch(sql)
        .unwrap();
    let out = meguri(&["verify", "--db", path_of(&copy)]);
    assert_eq!(out.status.code(), Some(1), "{sql} went unnoticed");
    let text = stdout(&out);
    assert!(
        text.contains("BROKEN  journal hash chain intact") && text.contains(expect),
        "{sql}: expected {expect} in\n{text}"
    );
}

#[test]
fn legacy_entries_verify_after_the_upgrade_and_the_chain_goes_on() {
    let mut s = Server::start();
    let (id, me) = s.resident("hanako");
    let (_, code, _) = s.store("めぐり青果店", "seika");
    charge(&s, &me, id, 5000);
    assert_eq!(pay(&s, &me, &code, 1200).status, 201);
    assert_eq!(pay(&s, &me, &code, 800).status, 201);
    charge(&s, &me, id, 300);
    s.kill_hard();
    make_legacy(&s.db);

    // The upgrade: opening the database runs migration 0014.
    s.restart();
    let old = versions(&s.db);
    assert!(old.iter().all(|(_, v)| *v == 1), "{old:?}");
    s.verify();
    let last_legacy: Vec<u8> = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row(
            "SELECT hash FROM entries ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();

    // New entries are version 2 and chain onto the last legacy one.
    assert_eq!(pay(&s, &me, &code, 500).status, 201);
    charge(&s, &me, id, 1000);
    s.verify();
    let all = versions(&s.db);
    assert_eq!(all.len(), old.len() + 2);
    assert!(all[old.len()..].iter().all(|(_, v)| *v == 2), "{all:?}");
    let first_new_prev: Vec<u8> = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row(
            "SELECT prev_hash FROM entries WHERE id = ?1",
            [all[old.len()].0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(first_new_prev, last_legacy);
    assert_eq!(pay(&s, &me, &code, 100).status, 201);
    s.verify();

    // A change to an entry of either version is caught, and so is a changed version.
    let (v1, v2) = (old[1].0, all[old.len() + 1].0);
    damaged(
        &s.db,
        &format!("UPDATE entries SET at = at + 60 WHERE id = {v1}"),
        &format!("entry {v1} was changed after it was written (hash mismatch, version 1)"),
    );
    damaged(
        &s.db,
        &format!("UPDATE entries SET actor = 'user:999' WHERE id = {v2}"),
        &format!("entry {v2} was changed after it was written (hash mismatch, version 2)"),
    );
    damaged(
        &s.db,
        &format!("UPDATE postings SET amount = -amount WHERE entry_id IN ({v1}, {v2})"),
        &format!("entry {v1} was changed"),
    );
    damaged(
        &s.db,
        &format!("UPDATE postings SET amount = -amount WHERE entry_id = {v2}"),
        &format!("entry {v2} was changed"),
    );
    damaged(
        &s.db,
        &format!("UPDATE entries SET hash_version = 2 WHERE id = {v1}"),
        &format!("entry {v1} was changed after it was written (hash mismatch, version 2)"),
    );
    damaged(
        &s.db,
        &format!("UPDATE entries SET hash_version = 1 WHERE id = {v2}"),
        &format!("entry {v2} was changed after it was written (hash mismatch, version 1)"),
    );
    damaged(
        &s.db,
        &format!("UPDATE entries SET hash_version = 9 WHERE id = {v2}"),
        &format!("entry {v2} names hash version 9, which this meguri does not know"),
    );
    s.verify();
}

/// A fresh city writes only version 2 entries, and changing one is caught.
#[test]
fn new_entries_are_version_2_and_a_change_is_caught() {
    let s = Server::start();
    let (id, me) = s.resident("taro");
    let (_, code, _) = s.store("店", "shop");
    charge(&s, &me, id, 2000);
    assert_eq!(pay(&s, &me, &code, 700).status, 201);
    s.verify();
    let all = versions(&s.db);
    assert!(
        !all.is_empty() && all.iter().all(|(_, v)| *v == 2),
        "{all:?}"
    );
    damaged(
        &s.db,
        "UPDATE postings SET ref_id = ref_id + 1 WHERE account = 'store'",
        "hash mismatch, version 2",
    );
}
