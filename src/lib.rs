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
pub mod import;
pub mod keyfile;
pub mod service;
pub mod web;
