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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every `.rs` file below `dir`, with its text.
    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// The web layer reaches storage only through use cases: it names neither the
    /// database module, nor SQLite, nor takes a connection of its own, nor holds a
    /// transaction or the writer (value moves as a `service::money::movement`).
    #[test]
    fn web_never_reaches_the_database_past_the_service() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web"),
            &mut files,
        );
        assert!(files.len() > 20, "the web layer's files were found");
        // Spelt in pieces, so that this file does not name them itself.
        let forbidden = [
            ["crate", "::db"].concat(),
            ["rus", "qlite"].concat(),
            [".conn", "()"].concat(),
            ["Trans", "action"].concat(),
            ["|t", "x|"].concat(),
            [".wri", "ter"].concat(),
        ];
        for (path, text) in files {
            for forbidden in &forbidden {
                assert!(
                    !text.contains(forbidden),
                    "{path} uses {forbidden}: call a use case in service/ instead"
                );
            }
        }
    }
}
