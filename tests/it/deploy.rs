//! The shipped systemd units are valid (systemd-analyze verify, where the machine has it).

use std::path::Path;
use std::process::Command;

use crate::support::TempDir;

#[test]
fn systemd_units_pass_systemd_analyze_verify() {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("systemd-analyze is not installed here; the units were not checked");
        return;
    }
    let dir = TempDir::new();
    let meguri = env!("CARGO_BIN_EXE_meguri");
    let mut units = Vec::new();
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("systemd")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".service") || name.ends_with(".timer")) {
            continue;
        }
        // The binaries live elsewhere on this machine; verify checks that they exist.
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("/usr/local/bin/meguri", meguri)
            .replace("/usr/local/bin/litestream", "/bin/true");
        let copy = dir.0.join(&name);
        std::fs::write(&copy, text).unwrap();
        units.push(copy);
    }
    assert!(
        units.len() >= 4,
        "meguri, backup service and timer, litestream"
    );
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(&units)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    // Unknown keys are only warnings to systemd, but they are mistakes in a unit.
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}
