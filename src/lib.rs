//! meguri: a self-hosted electronic regional currency for one Japanese city.
//!
//! The layers, from the inside out (see ARCHITECTURE.md):
//! `domain` (pure rules) → `db` (SQLite storage) → `service` (use cases) → `web` (HTTP)
//! and `cli` (the subcommands). `main.rs` only parses arguments and calls `cli`.

pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod export;
pub mod hex;
pub mod i18n;
pub mod import;
pub mod keyfile;
pub mod service;
pub mod web;

#[cfg(test)]
mod layer_tests {
    use std::path::Path;

    /// `domain/` is pure: it does no I/O, reads no clock and draws no randomness of its
    /// own ("now" and random bytes come in as arguments), and names no outer layer.
    #[test]
    fn domain_does_no_io_and_reads_no_clock() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
        let mut files = 0;
        // Spelt in pieces, so that this file does not name them itself.
        let forbidden: Vec<String> = [
            ["std::", "fs"],
            ["std::", "io"],
            ["std::", "process"],
            ["std::", "env"],
            ["std::", "thread"],
            ["std::net::", "Tcp"],
            ["std::net::", "Udp"],
            ["System", "Time"],
            ["Instant::", "now"],
            ["Utc::", "now"],
            ["Local::", "now"],
            ["chrono::", "Local"],
            ["rand", "::"],
            ["getran", "dom"],
            ["rus", "qlite"],
            ["crate::", "db"],
            ["crate::", "service"],
            ["crate::", "web"],
            ["crate::", "clock"],
            ["crate::", "config"],
            ["tiny_", "http"],
        ]
        .iter()
        .map(|p| p.concat())
        .collect();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            for f in &forbidden {
                assert!(
                    !text.contains(f.as_str()),
                    "{} names {f}: pass the value in from service/ instead",
                    path.display()
                );
            }
        }
        assert!(files > 10, "the domain's files were found");
    }
}
