//! `cargo xtask bench [--quick] [--preset small|medium|large] [--seconds N]`
//!
//! Seeds a data set (once per preset, kept under the target directory), starts the server on
//! it, drives it with `volant-bench` from a separate process over loopback at concurrency 1
//! and 8, and reports p50 / p99 and throughput per scenario, the HTTP / SQL ratio of the reads,
//! the server's start-up time and peak resident memory. `--quick` (small set, debug build, one
//! second per scenario) is CI's smoke check: it fails on any incorrect answer, never on a time.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    thread::sleep,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use serde_json::Value;

use crate::{cargo, run, target_dir};

struct Options {
    quick: bool,
    preset: String,
    seconds: String,
}

fn options(args: &[String]) -> Options {
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let quick = args.iter().any(|a| a == "--quick");
    Options {
        quick,
        preset: value("--preset").unwrap_or_else(|| if quick { "small" } else { "medium" }.into()),
        seconds: value("--seconds").unwrap_or_else(|| if quick { "1" } else { "10" }.into()),
    }
}

pub fn bench(args: &[String]) -> anyhow::Result<()> {
    let o = options(args);
    let profile = if o.quick { "debug" } else { "release" };
    run("build the server and the load generator", {
        let mut c = cargo();
        c.args(["build", "-p", "volant-server", "-p", "volant-bench", "--bins"]);
        if !o.quick {
            c.arg("--release");
        }
        c
    })?;
    let bin = target_dir().join(profile);
    let data = target_dir().join("bench").join(&o.preset);
    let env = environment(&data);
    let seeded = Instant::now();
    run(&format!("seed the {} data set (kept in {})", o.preset, data.display()), {
        let mut c = Command::new(bin.join("volant"));
        c.args(["admin", "seed", "--preset", &o.preset]).envs(env.clone());
        c
    })?;
    let seed_time = seeded.elapsed();
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let mut server = Command::new(bin.join("volant"))
        .arg("serve")
        .envs(env.clone())
        .env("VOLANT_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("start the server")?;
    let result = measure(&o, &bin, &env, &base, &mut server, started);
    stop(&mut server);
    let (startup, peak_kib, figures) = result?;
    let report = report(&o, seed_time, startup, peak_kib, &figures);
    let out = target_dir().join("bench").join(format!("{}.md", o.preset));
    std::fs::write(&out, &report)?;
    println!("{report}\n(written to {})", out.display());
    Ok(())
}

fn environment(data: &Path) -> Vec<(String, String)> {
    [
        ("VOLANT_PROFILE", "dev".to_owned()),
        ("VOLANT_DATA_DIR", data.display().to_string()),
        ("VOLANT_DB_MAX_CONNECTIONS", "16".into()),
        // The login scenario logs in thousands of times from one address.
        ("VOLANT_LOGIN_LIMIT_PER_EMAIL", "100000000".into()),
        ("VOLANT_LOGIN_LIMIT_PER_IP", "100000000".into()),
        ("VOLANT_LOG", "warn,sqlx=error".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits for `/readyz`, runs the load generator, reads the server's peak memory.
fn measure(
    o: &Options,
    bin: &Path,
    env: &[(String, String)],
    base: &str,
    server: &mut Child,
    started: Instant,
) -> anyhow::Result<(Duration, u64, Vec<Value>)> {
    let port = base.rsplit(':').next().unwrap_or_default();
    loop {
        if ready(port) {
            break;
        }
        if server.try_wait()?.is_some() || started.elapsed() > Duration::from_secs(120) {
            bail!("the server did not become ready");
        }
        sleep(Duration::from_millis(20));
    }
    let startup = started.elapsed();
    eprintln!("\n==> load: {base}, {} s per scenario and concurrency", o.seconds);
    let out = Command::new(bin.join("volant-bench"))
        .args(["--base", base, "--seconds", &o.seconds])
        .envs(env.iter().cloned())
        .stderr(Stdio::inherit())
        .output()
        .context("run volant-bench")?;
    if !out.status.success() {
        bail!("the load generator found an incorrect answer or failed");
    }
    let peak_kib = peak_memory_kib(server.id())?;
    let figures: Vec<Value> = serde_json::from_slice(&out.stdout).context("volant-bench output")?;
    Ok((startup, peak_kib, figures))
}

fn ready(port: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(format!("127.0.0.1:{port}")) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && head.ends_with(b"200")
}

/// `VmHWM`: the peak resident set of the process so far.
fn peak_memory_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).context("no VmHWM")?;
    Ok(line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0))
}

fn stop(server: &mut Child) {
    let _ = Command::new("kill").args(["-TERM", &server.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = server.try_wait() {
            return;
        }
        sleep(Duration::from_millis(100));
    }
    let _ = server.kill();
}

fn report(o: &Options, seed: Duration, startup: Duration, peak_kib: u64, figures: &[Value]) -> String {
    let mut s = format!(
        "## Preset `{}` ({} build, {} s per scenario)\n\n- data set ready in {:.1} s (generated on first use, then reused)\n\
         - server start-up to `/readyz`: {} ms\n- server peak resident memory: {} MiB\n\n\
         | scenario | via | concurrency | requests | p50 ms | p99 ms | per second |\n|---|---|---|---|---|---|---|\n",
        o.preset,
        if o.quick { "debug" } else { "release" },
        o.seconds,
        seed.as_secs_f64(),
        startup.as_millis(),
        peak_kib / 1024
    );
    for f in figures {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {:.2} | {:.2} | {:.0} |\n",
            f["scenario"].as_str().unwrap_or_default(),
            f["via"].as_str().unwrap_or_default(),
            f["concurrency"],
            f["requests"],
            f["p50_ms"].as_f64().unwrap_or_default(),
            f["p99_ms"].as_f64().unwrap_or_default(),
            f["per_second"].as_f64().unwrap_or_default()
        ));
    }
    s.push_str("\nHTTP / SQL ratio of the p50 (the same statements run directly):\n\n");
    for f in figures.iter().filter(|f| f["via"] == "sql") {
        let http = figures
            .iter()
            .find(|h| h["via"] == "http" && h["scenario"] == f["scenario"] && h["concurrency"] == f["concurrency"]);
        if let Some(h) = http {
            let ratio = h["p50_ms"].as_f64().unwrap_or_default() / f["p50_ms"].as_f64().unwrap_or(1.0).max(1e-9);
            s.push_str(&format!(
                "- {} at {}: {:.2}\n",
                f["scenario"].as_str().unwrap_or_default(),
                f["concurrency"],
                ratio
            ));
        }
    }
    s
}
