//! The catalogue of bad input: each folder under `tests/fixtures/bad/` is a
//! site with one mistake, and `expected.txt` beside it is the exact text the
//! build must print. Run with `STORIA_BLESS=1` to rewrite the expectations
//! after a deliberate change of wording, then review the diff.

use std::path::Path;
use std::process::Command;

fn check(case: &Path) -> Result<(), String> {
    let out_dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_storia"))
        .args(["build", "--output"])
        .arg(out_dir.path().join("public"))
        .current_dir(case)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr)
        .replace(&out_dir.path().display().to_string(), "OUT");
    let name = case.file_name().unwrap().to_string_lossy();
    if output.status.code() != Some(1) {
        return Err(format!(
            "{name}: exit code {:?}, expected 1\n{stderr}",
            output.status.code()
        ));
    }
    if stderr.contains("panicked") {
        return Err(format!("{name}: panicked\n{stderr}"));
    }
    if out_dir.path().join("public").exists() {
        return Err(format!("{name}: a failed build wrote output"));
    }
    let expected_path = case.join("expected.txt");
    if std::env::var_os("STORIA_BLESS").is_some() {
        std::fs::write(&expected_path, &stderr).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path).map_err(|e| format!("{name}: {e}"))?;
    if expected != stderr {
        return Err(format!(
            "{name}: wrong diagnostics\n--- expected\n{expected}--- got\n{stderr}"
        ));
    }
    Ok(())
}

#[test]
fn every_bad_input_gets_its_exact_diagnostic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "the catalogue has {} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| check(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
