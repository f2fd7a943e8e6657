//! Validated settings of one running meguri. Built by `cli` from the command line; no clap
//! types travel past this point.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::db::{DbOptions, Synchronous};

#[derive(Debug, Clone)]
pub struct Config {
    pub db_path: PathBuf,
    /// The personal data key file (`db::personal`).
    pub data_key: PathBuf,
    pub db: DbOptions,
    pub addr: SocketAddr,
    /// Worker threads answering HTTP requests.
    pub workers: usize,
    /// `--fake-clock`: the sandbox clock of the API is enabled.
    pub fake_clock: bool,
    /// `--sandbox` or `demo`: the city's rehearsal environment. Only here may the sandbox
    /// payment provider approve card and bank charges without moving real money.
    pub sandbox: bool,
    /// The address residents and stores use, e.g. `https://pay.example-city.jp`. Cookies
    /// are marked Secure and HSTS is sent when it is https.
    pub public_url: String,
    /// How long a connection may stay silent (an idle keep-alive connection, or a request
    /// that stops half way) before it is closed, so slow or hostile clients cannot hold
    /// threads for ever.
    pub idle_timeout: Duration,
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
    /// Lifetime of API tokens made by `POST /api/v1/auth/token`, in seconds.
    pub token_ttl_secs: i64,
    /// Map tiles for the store map, as a Leaflet URL template.
    pub map_tiles: String,
    /// The attribution the tile server asks for.
    pub map_attribution: String,
}

impl Config {
    pub fn new(db_path: PathBuf) -> Config {
        Config {
            data_key: crate::db::personal::default_key_path(&db_path),
            db_path,
            db: DbOptions::default(),
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            workers: 16,
            fake_clock: false,
            sandbox: false,
            public_url: "http://localhost:8080".into(),
            idle_timeout: Duration::from_secs(20),
            max_body: 1024 * 1024,
            token_ttl_secs: 24 * 3600,
            map_tiles: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            map_attribution: "© OpenStreetMap contributors".into(),
        }
    }

    pub fn with_synchronous(mut self, s: Synchronous) -> Config {
        self.db.synchronous = s;
        self
    }

    /// The scheme and host of the tile server, for the Content-Security-Policy.
    pub fn tile_origin(&self) -> Option<&str> {
        let rest = self.map_tiles.split_once("://")?.1;
        let end = self.map_tiles.len() - rest.len() + rest.find('/').unwrap_or(rest.len());
        Some(&self.map_tiles[..end]).filter(|o| !o.contains(['{', ' ', ';', '\'']))
    }

    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
