//! HTTP: a tiny_http server with a fixed pool of worker threads, one route table, cookie
//! sessions and bearer tokens, JSON API handlers and server-rendered pages.

pub mod api;
pub mod error;
pub mod pages;
pub mod reply;
pub mod request;
pub mod router;
pub mod server;
pub mod views;

pub use server::{Running, start};
