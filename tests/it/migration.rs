//! Upgrades: a city whose database an earlier meguri wrote opens with every balance, lot,
//! pending payment code and scheduled grant intact, and `verify` holds.

use std::path::Path;

use meguri::db::migrate::MIGRATIONS;
use serde_json::{Value, json};

use crate::ledger::{balance, charge, pay, program};
use crate::support::{Server, path_of};

/// Rewrites the database at `db` into what the meguri of schema `version` left behind:
/// that version's tables, built by the real migrations up to it, holding the same rows.
/// Where a later migration reshaped a column, the row is written back in the old shape.
pub(crate) fn as_schema(db: &Path, version: usize) {
    let old = db.with_extension("old.db");
    let _ = std::fs::remove_file(&old);
    let c = rusqlite::Connection::open(&old).unwrap();
    // Migrations that seal personal data name the server's SQL functions; on empty tables
    // they are never called, but SQLite wants them to exist.
    for (name, args) in [("pii_seal", 2), ("pii_index", 1)] {
        c.create_scalar_function(name, args, Default::default(), |_| {
            Ok::<_, rusqlite::Error>(rusqlite::types::Null)
        })
        .unwrap();
    }
    for sql in &MIGRATIONS[..version] {
        c.execute_batch(sql).unwrap();
    }
    c.pragma_update(None, "user_version", version as i64)
        .unwrap();
    // Tables are filled in name order, not in the order their references need.
    c.pragma_update(None, "foreign_keys", false).unwrap();
    c.execute("ATTACH ?1 AS cur", [path_of(db)]).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let columns = |schema: &str, table: &str| -> Vec<String> {
        c.prepare(&format!(
            "SELECT name FROM pragma_table_info('{table}', '{schema}')"
        ))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    for t in &tables {
        let before_wallets = version < 15 && (t == "qr_tokens" || t == "grant_recipients");
        let sql = if t == "qr_tokens" && before_wallets {
            "INSERT INTO main.qr_tokens (token_hash, resident_id, expires_at, used_at, payment_id)
             SELECT q.token_hash, w.resident_id, q.expires_at, q.used_at, q.payment_id
             FROM cur.qr_tokens q JOIN cur.wallets w ON w.id = q.wallet_id"
                .to_owned()
        } else if before_wallets {
            "INSERT INTO main.grant_recipients (grant_id, resident_id, entry_id)
             SELECT g.grant_id, w.resident_id, g.entry_id
             FROM cur.grant_recipients g JOIN cur.wallets w ON w.id = g.wallet_id"
                .to_owned()
        } else {
            let now = columns("cur", t);
            let shared: Vec<&String> = columns("main", t)
                .iter()
                .filter_map(|col| now.iter().find(|n| *n == col))
                .collect();
            let list = shared
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ");
            format!("INSERT INTO main.\"{t}\" ({list}) SELECT {list} FROM cur.\"{t}\"")
        };
        // Rows the migrations seed (the cash program, settings) come from the city's copy.
        c.execute_batch(&format!("DELETE FROM main.\"{t}\"; {sql}"))
            .unwrap_or_else(|e| panic!("{t}: {e}"));
    }
    let broken: i64 = c
        .query_row(
            "SELECT count(*) FROM main.pragma_foreign_key_check",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(broken, 0, "the rewound database has broken references");
    c.execute_batch("DETACH cur").unwrap();
    drop(c);
    for ext in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(db.with_extension(ext));
    }
    std::fs::rename(&old, db).unwrap();
}

fn history(s: &Server, token: &str) -> Value {
    s.as_(token).get("/api/v1/me/transactions").json()
}

#[test]
fn a_city_on_the_schema_before_wallets_upgrades_with_everything_intact() {
    let mut s = Server::start();
    s.set_clock("2024-12-01T09:00:00+09:00");
    program(
        &s,
        json!({ "code": "gift", "name": "子育て応援", "kind": "subsidy", "valid_days": 30 }),
    );
    let (a, ta) = s.resident("a-res");
    let (b, tb) = s.resident("b-res");
    let (store, code, merchant) = s.store("めぐり青果店", "seika");
    charge(&s, &ta, a, 5000);
    assert_eq!(pay(&s, &ta, &code, 1200).status, 201);
    let admin = s.admin();
    let grant = |body: Value| s.as_(&admin).post("/api/v1/grants", &body);
    assert_eq!(
        grant(json!({ "program": "gift", "amount": 2000, "resident_ids": [a] })).status,
        201
    );
    // Pending across the upgrade: b's grant on a schedule, and a's payment code.
    let r = grant(
        json!({ "program": "gift", "amount": 700, "resident_ids": [a, b], "scheduled_at": "2024-12-10T09:00:00+09:00" }),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let token = s.as_(&ta).get("/api/v1/me/qr-token").json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = (balance(&s, &ta), history(&s, &ta), balance(&s, &tb));
    s.kill_hard();

    as_schema(&s.db, 14);
    s.restart();
    assert_eq!(
        (balance(&s, &ta), history(&s, &ta), balance(&s, &tb)),
        before
    );
    s.verify();
    let r = s.as_(&merchant).post(
        &format!("/api/v1/stores/{store}/payments"),
        &json!({ "token": token, "amount": 300 }),
    );
    assert_eq!(
        r.status,
        201,
        "the code shown before the upgrade pays: {}",
        r.text()
    );
    assert_eq!(r.json()["balance_after"], 5000 - 1200 + 2000 - 300);
    s.set_clock("2024-12-10T09:00:00+09:00");
    assert_eq!(s.total(&ta), 5000 - 1200 + 2000 - 300 + 700);
    assert_eq!(s.total(&tb), 700);
    s.verify();
}
