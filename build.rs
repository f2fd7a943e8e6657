//! Derives the message keys (`i18n::Msg`) from the source language file, `ja.txt`: each
//! `Key = text` line is a key, and the `{name}` placeholders of its text are its
//! arguments. Adding a message is adding its line to the language files.

use std::fmt::Write;

fn main() {
    let source = "src/i18n/ja.txt";
    println!("cargo:rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).expect("src/i18n/ja.txt");
    let mut out = String::from("crate::i18n::messages! {\n");
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(" = ").expect("`Key = text` lines");
        let mut args: Vec<&str> = Vec::new();
        let mut rest = value;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(c)
                    if c > 0
                        && after[..c]
                            .chars()
                            .all(|ch| ch.is_ascii_lowercase() || ch == '_') =>
                {
                    if !args.contains(&&after[..c]) {
                        args.push(&after[..c]);
                    }
                    rest = &after[c + 1..];
                }
                _ => rest = after,
            }
        }
        let _ = writeln!(out, "    {} [{}],", key.trim(), args.join(", "));
    }
    out.push_str("}\n");
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(format!("{dir}/keys.rs"), out).expect("write keys.rs");
}
