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

/// Bumped whenever `volant admin seed` generates something new.
const SEED_VERSION: &str = "v2";

struct Options {
    quick: bool,
    preset: String,
    seconds: String,
    /// `--day`: a weekday of the preset's schools replayed at rising rates, instead of the scenarios.
    day: bool,
    rates: String,
}

fn options(args: &[String]) -> Options {
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let quick = args.iter().any(|a| a == "--quick");
    let day = args.iter().any(|a| a == "--day");
    Options {
        quick,
        preset: value("--preset").unwrap_or_else(|| if quick { "small" } else { "medium" }.into()),
        seconds: value("--seconds").unwrap_or_else(|| match (quick, day) {
            (true, _) => "1".into(),
            (false, true) => "20".into(),
            (false, false) => "10".into(),
        }),
        day,
        rates: value("--rates").unwrap_or_else(|| if quick { "10" } else { "25,50,100,200,300,400" }.into()),
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
    // The generator's version is in the name: a data set of an older generator (without the
    // accounts the day needs, say) is never reused.
    let data = target_dir().join("bench").join(format!("{}-{SEED_VERSION}", o.preset));
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
    if o.quick && o.day {
        let errors: Vec<&Value> = figures
            .iter()
            .flat_map(|d| d["rates"].as_array().into_iter().flatten())
            .flat_map(|r| r["ops"].as_array().into_iter().flatten())
            .filter(|op| op["errors"].as_u64().unwrap_or(0) > 0)
            .collect();
        if !errors.is_empty() {
            bail!("the day's operations met wrong answers: {errors:?}");
        }
    }
    let (report, name) = if o.day {
        (day_report(&o, peak_kib, &figures), format!("{}-day.md", o.preset))
    } else {
        (report(&o, seed_time, startup, peak_kib, &figures), format!("{}.md", o.preset))
    };
    let out = target_dir().join("bench").join(name);
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
    if !o.quick {
        settle();
    }
    eprintln!("\n==> load: {base}, {} s per scenario and concurrency (or rate)", o.seconds);
    let mut load = Command::new(bin.join("volant-bench"));
    load.args(["--base", base, "--seconds", &o.seconds]);
    if o.day {
        let schools = match o.preset.as_str() {
            "small" => "1",
            _ => "100",
        };
        load.args(["--day", "--schools", schools, "--rates", &o.rates]);
        if o.quick {
            load.args(["--instructors", "2", "--students", "2"]);
        }
    }
    let out = load.envs(env.iter().cloned()).stderr(Stdio::inherit()).output().context("run volant-bench")?;
    if !out.status.success() {
        bail!("the load generator found an incorrect answer or failed");
    }
    let peak_kib = peak_memory_kib(server.id())?;
    let figures: Value = serde_json::from_slice(&out.stdout).context("volant-bench output")?;
    let figures = if o.day { vec![figures] } else { figures.as_array().cloned().unwrap_or_default() };
    Ok((startup, peak_kib, figures))
}

/// Waits until the machine is quiet (idle at least 80 % of a 5 s window, at most 15 minutes):
/// the scheduler's first pass visits every school (eligibility, reminders, connectors…), and
/// figures taken during it would measure it, not the requests. How long it took is printed.
fn settle() {
    let started = Instant::now();
    let mut before = cpu_times();
    loop {
        sleep(Duration::from_secs(5));
        let now = cpu_times();
        let (busy, idle) = (now.0.saturating_sub(before.0), now.1.saturating_sub(before.1));
        before = now;
        let idle_share = idle as f64 / (busy + idle).max(1) as f64;
        if idle_share >= 0.8 || started.elapsed() > Duration::from_secs(900) {
            eprintln!(
                "==> the machine is quiet ({:.0} % idle) {:.0?} after start-up",
                idle_share * 100.0,
                started.elapsed()
            );
            return;
        }
    }
}

/// (busy, idle) jiffies of the whole machine, from `/proc/stat`.
fn cpu_times() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> =
        stat.lines().next().unwrap_or_default().split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
    (fields.iter().sum::<u64>().saturating_sub(idle), idle)
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

/// The day's report: per rate, each operation's latency and errors, and the peak.
fn day_report(o: &Options, peak_kib: u64, figures: &[Value]) -> String {
    let Some(day) = figures.first() else { return String::new() };
    let mut s = format!(
        "## A weekday of {} schools (preset `{}`, {} build, {} s per rate)\n\n- {} people logged in, in {:.1} s\n\
         - one school's weekday: {} requests\n- server peak resident memory: {} MiB\n- peak rate within the targets: {}\n",
        day["schools"],
        o.preset,
        if o.quick { "debug" } else { "release" },
        o.seconds,
        day["people"],
        day["setup_seconds"].as_f64().unwrap_or_default(),
        day["requests_per_school_day"],
        peak_kib / 1024,
        day["peak"].as_f64().map_or("none".to_owned(), |p| format!("{p} requests per second")),
    );
    for rate in day["rates"].as_array().into_iter().flatten() {
        s.push_str(&format!(
            "\n### {} requests per second (achieved {:.1}; within targets: {})\n\n\
             | operation | requests | errors | p50 ms | p99 ms |\n|---|---|---|---|---|\n",
            rate["rate"],
            rate["achieved"].as_f64().unwrap_or_default(),
            if rate["within_targets"] == true { "yes" } else { "no" }
        ));
        for op in rate["ops"].as_array().into_iter().flatten() {
            s.push_str(&format!(
                "| {} | {} | {} | {:.2} | {:.2} |\n",
                op["op"].as_str().unwrap_or_default(),
                op["requests"],
                op["errors"],
                op["p50_ms"].as_f64().unwrap_or_default(),
                op["p99_ms"].as_f64().unwrap_or_default()
            ));
            if let Some(e) = op["first_error"].as_str() {
                s.push_str(&format!("|  ↳ first error: {} | | | | |\n", e.replace('|', "/")));
            }
        }
    }
    s
}
