//! Importing the city's store list (KAR-3-③) from its Excel or CSV file: every row is
//! checked and shown first; then all rows are written in one transaction, or none.
//! A row whose 管理番号 (external key) is already known updates that store.

use crate::i18n::{Lang, Msg, Text};
use serde::{Deserialize, Serialize};

use crate::db::{self, audit, stores as rows};
use crate::domain::StoreProfile;
use crate::domain::store::split_keywords;
use crate::service::merchants::stores;
use crate::service::{App, Principal, Result, STAFF, invalid, require};

/// One row of the file as understood.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub key: String,
    pub store: StoreProfile,
}

/// A row with what importing would do, or why it cannot.
pub struct Checked {
    pub row: Row,
    pub update: bool,
    pub error: Option<String>,
}

/// Column headings the file may use (Japanese as the city writes them, or English).
const COLUMNS: &[(&str, &[&str])] = &[
    ("key", &["管理番号", "店舗番号", "key", "external_key"]),
    ("name", &["店名", "店舗名", "name"]),
    (
        "name_kana",
        &["店名カナ", "店名(カナ)", "フリガナ", "name_kana"],
    ),
    ("category", &["業種", "category"]),
    ("address", &["住所", "所在地", "address"]),
    ("phone", &["電話番号", "電話", "phone"]),
    ("hours", &["営業時間", "hours"]),
    ("holidays", &["定休日", "holidays"]),
    ("pr", &["PR", "紹介文", "pr"]),
    ("url", &["URL", "ホームページ", "url"]),
    ("keywords", &["キーワード", "keywords"]),
    ("lat", &["緯度", "lat"]),
    ("lng", &["経度", "lng"]),
];

/// Reads the rows of a table whose first row holds the headings.
pub fn parse(table: &[Vec<String>]) -> Result<Vec<Row>> {
    let Some(header) = table.first() else {
        return Err(invalid(Msg::TheFileIsEmpty));
    };
    let col = |name: &str| -> Option<usize> {
        let names = COLUMNS.iter().find(|(n, _)| *n == name)?.1;
        header
            .iter()
            .position(|h| names.iter().any(|x| h.trim().eq_ignore_ascii_case(x)))
    };
    for required in ["key", "name", "name_kana", "category", "address"] {
        if col(required).is_none() {
            let label = COLUMNS
                .iter()
                .find(|(n, _)| *n == required)
                .map(|c| c.1[0])
                .unwrap_or(required);
            return Err(invalid(
                Text::new(Msg::TheColumnIsMissing).with("label", label),
            ));
        }
    }
    let mut rows = Vec::new();
    for (i, cells) in table.iter().enumerate().skip(1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |name: &str| {
            col(name)
                .and_then(|i| cells.get(i))
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let num = |name: &str| get(name).and_then(|s| s.parse::<f64>().ok());
        rows.push(Row {
            line: i + 1,
            key: get("key").unwrap_or_default(),
            store: StoreProfile {
                name: get("name").unwrap_or_default(),
                name_kana: get("name_kana").unwrap_or_default(),
                category: get("category").unwrap_or_default(),
                address: get("address").unwrap_or_default(),
                phone: get("phone"),
                hours: get("hours"),
                holidays: get("holidays"),
                pr: get("pr"),
                url: get("url"),
                keywords: get("keywords")
                    .map(|k| split_keywords(&k))
                    .unwrap_or_default(),
                lat: num("lat"),
                lng: num("lng"),
                ..StoreProfile::default()
            },
        });
    }
    if rows.is_empty() {
        return Err(invalid(Msg::TheFileHasNoStore));
    }
    Ok(rows)
}

/// What importing would do with each row.
pub fn check(app: &App, who: &Principal, rows: Vec<Row>, l: Lang) -> Result<Vec<Checked>> {
    require(who, STAFF)?;
    let conn = app.conn()?;
    let mut seen = std::collections::HashSet::new();
    rows.into_iter()
        .map(|row| {
            let mut error = stores::validate(&row.store).err().map(|e| e.text(l));
            if row.key.is_empty() {
                error = Some(l.t(Msg::ImportKeyMissing).into());
            } else if !seen.insert(row.key.clone()) {
                error = Some(l.t(Msg::ImportKeyTwice).into());
            }
            let update = rows::by_external_key(&conn, &row.key)?.is_some();
            Ok(Checked { row, update, error })
        })
        .collect()
}

/// Writes every row in one transaction; any bad row refuses the whole file.
pub fn apply(app: &App, who: &Principal, rows: Vec<Row>) -> Result<(usize, usize)> {
    let checked = check(app, who, rows, Lang::Ja)?;
    if let Some(bad) = checked.iter().find(|c| c.error.is_some()) {
        return Err(invalid(
            Text::new(Msg::ImportLineIsWrong).with("line", bad.row.line),
        ));
    }
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<(usize, usize)> {
        let (mut added, mut updated) = (0, 0);
        for c in &checked {
            let s = &c.row.store;
            match rows::by_external_key(tx, &c.row.key)? {
                Some(id) => {
                    stores::update_profile_in(tx, id, s)?;
                    updated += 1;
                }
                None => {
                    let created = stores::insert_store(tx, &who.actor, s, now)?;
                    rows::set_external_key(tx, created.id, &c.row.key)?;
                    added += 1;
                }
            }
        }
        audit::record(
            tx,
            now,
            &who.actor,
            "store.import",
            "stores",
            &serde_json::json!({ "added": added, "updated": updated }),
        )?;
        Ok((added, updated))
    })
}
