//! What `GET /metrics` shows (Prometheus text format): requests by status class and
//! their latencies (atomics, so counting costs every request no lock), and gauges read
//! from the database when asked.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::db;
use crate::domain::time::parse_rfc3339;
use crate::service::operations::backup::LAST_BACKUP_AT;
use crate::service::{App, Result};

/// Upper bounds of the latency histogram's buckets, in milliseconds.
const BOUNDS_MS: [u64; 9] = [1, 5, 10, 25, 50, 100, 250, 1000, 5000];

#[derive(Default)]
pub struct Metrics {
    /// Replies by status class: 1xx .. 5xx.
    by_class: [AtomicU64; 5],
    /// Replies per latency bucket (not cumulative; the last counts the slower ones).
    buckets: [AtomicU64; BOUNDS_MS.len() + 1],
    micros: AtomicU64,
}

/// A value read when `/metrics` is asked for: name, help text, value.
pub struct Gauge {
    pub name: &'static str,
    pub help: &'static str,
    pub value: f64,
}

impl Metrics {
    pub fn record(&self, status: u16, elapsed: Duration) {
        let class = (status / 100).clamp(1, 5) as usize - 1;
        self.by_class[class].fetch_add(1, Relaxed);
        let ms = elapsed.as_millis() as u64;
        let bucket = BOUNDS_MS
            .iter()
            .position(|b| ms < *b)
            .unwrap_or(BOUNDS_MS.len());
        self.buckets[bucket].fetch_add(1, Relaxed);
        self.micros.fetch_add(elapsed.as_micros() as u64, Relaxed);
    }

    /// The text exposition: the counters, then `gauges`.
    pub fn render(&self, gauges: &[Gauge]) -> String {
        let mut out = String::new();
        out.push_str("# HELP meguri_http_requests_total Replies sent, by status class.\n");
        out.push_str("# TYPE meguri_http_requests_total counter\n");
        for (i, n) in self.by_class.iter().enumerate() {
            let _ = writeln!(
                out,
                "meguri_http_requests_total{{class=\"{}xx\"}} {}",
                i + 1,
                n.load(Relaxed)
            );
        }
        out.push_str("# HELP meguri_http_request_duration_seconds Time from request to reply.\n");
        out.push_str("# TYPE meguri_http_request_duration_seconds histogram\n");
        let mut cumulative = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            cumulative += n.load(Relaxed);
            let le = BOUNDS_MS
                .get(i)
                .map_or("+Inf".to_owned(), |b| format!("{}", *b as f64 / 1000.0));
            let _ = writeln!(
                out,
                "meguri_http_request_duration_seconds_bucket{{le=\"{le}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "meguri_http_request_duration_seconds_sum {}\nmeguri_http_request_duration_seconds_count {cumulative}",
            self.micros.load(Relaxed) as f64 / 1e6
        );
        for g in gauges {
            let _ = writeln!(
                out,
                "# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}",
                g.name, g.help, g.value
            );
        }
        out
    }
}

/// What the database and its files say now: payments, sizes, the last backup's age.
pub fn gauges(app: &App) -> Result<Vec<Gauge>> {
    let conn = app.conn()?;
    let payments = db::ledger::payment_count(&conn)?;
    let last_backup = db::settings::get(&conn, LAST_BACKUP_AT)?
        .and_then(|t| parse_rfc3339(&t))
        .map(|t| (app.now() - t.timestamp()) as f64);
    drop(conn);
    let size = |suffix: &str| {
        let mut p = app.config.db_path.clone().into_os_string();
        p.push(suffix);
        std::fs::metadata(p).map_or(0.0, |m| m.len() as f64)
    };
    let mut gauges = vec![
        Gauge {
            name: "meguri_payments",
            help: "Payments recorded.",
            value: payments as f64,
        },
        Gauge {
            name: "meguri_db_bytes",
            help: "Size of the database file.",
            value: size(""),
        },
        Gauge {
            name: "meguri_wal_bytes",
            help: "Size of the write-ahead log.",
            value: size("-wal"),
        },
        Gauge {
            name: "meguri_read_only",
            help: "1 while meguri is read-only for maintenance.",
            value: if crate::service::operations::maintenance::read_only(app) {
                1.0
            } else {
                0.0
            },
        },
    ];
    if let Some(age) = last_backup {
        gauges.push(Gauge {
            name: "meguri_last_backup_age_seconds",
            help: "Seconds since meguri backup last wrote a backup.",
            value: age,
        });
    }
    Ok(gauges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_class_and_cumulates_buckets() {
        let m = Metrics::default();
        m.record(200, Duration::from_micros(300));
        m.record(201, Duration::from_millis(30));
        m.record(404, Duration::from_millis(2));
        m.record(500, Duration::from_secs(9));
        let text = m.render(&[Gauge {
            name: "meguri_db_bytes",
            help: "Size.",
            value: 4096.0,
        }]);
        for line in [
            "meguri_http_requests_total{class=\"2xx\"} 2",
            "meguri_http_requests_total{class=\"4xx\"} 1",
            "meguri_http_requests_total{class=\"5xx\"} 1",
            "meguri_http_request_duration_seconds_bucket{le=\"0.001\"} 1",
            "meguri_http_request_duration_seconds_bucket{le=\"0.005\"} 2",
            "meguri_http_request_duration_seconds_bucket{le=\"0.05\"} 3",
            "meguri_http_request_duration_seconds_bucket{le=\"5\"} 3",
            "meguri_http_request_duration_seconds_bucket{le=\"+Inf\"} 4",
            "meguri_http_request_duration_seconds_count 4",
            "# TYPE meguri_db_bytes gauge",
            "meguri_db_bytes 4096",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
    }
}
