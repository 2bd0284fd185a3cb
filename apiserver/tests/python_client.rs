//! The official Python `kubernetes` client against the apiserver (tests/python/). The client
//! is pip-installed into the test's target folder when missing; a machine where that cannot
//! be done fails this test, it is never skipped.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Cluster;

/// Where the client is installed when the system has none (`pip install --target`, which
/// leaves the system's Python alone).
fn site() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("python-kubernetes")
}

fn python(args: &[&str]) -> std::process::Output {
    Command::new("python3")
        .args(args)
        .env("PYTHONPATH", site())
        .output()
        .unwrap_or_else(|e| panic!("python3 cannot run ({e}): the Python client test needs it"))
}

fn ensure_client() {
    if python(&["-c", "import kubernetes"]).status.success() {
        return;
    }
    let install = python(&[
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--target",
        &site().display().to_string(),
        "kubernetes",
    ]);
    let check = python(&["-c", "import kubernetes"]);
    assert!(
        check.status.success(),
        "the Python kubernetes client is missing and pip could not install it:\n{}\n{}",
        String::from_utf8_lossy(&install.stderr),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn python_client_round_trip() {
    ensure_client();
    let c = Cluster::start();
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python/client_round_trip.py");
    let out = python(&[
        &script.display().to_string(),
        &c.kubeconfig.display().to_string(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.trim_end().ends_with("OK"),
        "python client failed ({}):\n{stdout}\n{}\napiserver log:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        c.log()
    );
}
