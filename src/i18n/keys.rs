//! The names of every message, derived by `build.rs` from `ja.txt` (the source language
//! file): a key per `Key = text` line, its `{name}` placeholders its arguments. The other
//! language files translate it key by key.

include!(concat!(env!("OUT_DIR"), "/keys.rs"));
