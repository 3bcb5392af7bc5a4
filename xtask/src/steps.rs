//! Groups of steps run side by side (CI's independent checks), each group's commands writing to
//! its own log so that the output stays readable; the start and end of every step are announced
//! as they happen, and a table of every step's time closes the run.

use std::{
    cell::RefCell,
    path::PathBuf,
    sync::Mutex,
    time::{Duration, Instant},
};

use anyhow::bail;

use crate::target_dir;

thread_local! {
    /// The group this thread runs, and its log.
    static GROUP: RefCell<Option<(String, PathBuf)>> = const { RefCell::new(None) };
}

static TIMINGS: Mutex<Vec<(String, Duration, bool)>> = Mutex::new(Vec::new());

/// The log the current thread's commands write to, inside a group.
pub fn log_file() -> Option<PathBuf> {
    GROUP.with(|g| g.borrow().as_ref().map(|(_, log)| log.clone()))
}

/// A line on CI's output, prefixed with the group's name.
pub fn announce(line: &str) {
    let group = GROUP.with(|g| g.borrow().as_ref().map(|(name, _)| name.clone())).unwrap_or_default();
    eprintln!("[{group}] {line}");
}

pub fn record(step: &str, took: Duration, ok: bool) {
    if let Ok(mut t) = TIMINGS.lock() {
        t.push((step.to_owned(), took, ok));
    }
}

/// A named group of steps, run in order.
pub type Group<'a> = (&'a str, &'a (dyn Fn() -> anyhow::Result<()> + Sync));

/// Runs the groups side by side and waits for all of them; a failed group's log is printed
/// whole, a passed one's last lines.
pub fn parallel(groups: &[Group<'_>]) -> anyhow::Result<()> {
    let dir = target_dir().join("ci-logs");
    std::fs::create_dir_all(&dir)?;
    let started = Instant::now();
    let results: Vec<(String, PathBuf, anyhow::Result<()>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .iter()
            .map(|(name, steps)| {
                let log = dir.join(format!("{}.log", name.replace(' ', "-")));
                let _ = std::fs::remove_file(&log);
                scope.spawn(move || {
                    GROUP.with(|g| *g.borrow_mut() = Some(((*name).to_owned(), log.clone())));
                    let result = steps();
                    ((*name).to_owned(), log, result)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| ("?".into(), PathBuf::new(), Err(anyhow::anyhow!("panicked")))))
            .collect()
    });
    let mut failed = vec![];
    for (name, log, result) in &results {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let shown: Vec<&str> = match result {
            Ok(()) => text.lines().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect(),
            Err(_) => text.lines().collect(),
        };
        eprintln!(
            "\n---- {name}: {} ({}; last lines of {}) ----",
            if result.is_ok() { "ok" } else { "FAILED" },
            shown.len(),
            log.display()
        );
        for line in shown {
            eprintln!("{line}");
        }
        if let Err(e) = result {
            failed.push(format!("{name}: {e:#}"));
        }
    }
    eprintln!(
        "== side by side: {} in {:.0?}",
        groups.iter().map(|g| g.0).collect::<Vec<_>>().join(" ‖ "),
        started.elapsed()
    );
    if !failed.is_empty() {
        bail!("{}", failed.join("; "));
    }
    Ok(())
}

/// Every step's time, slowest first.
pub fn print_timings() {
    let Ok(mut t) = TIMINGS.lock() else { return };
    t.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    eprintln!("\nstep timings (slowest first):");
    for (step, took, ok) in t.iter() {
        eprintln!("  {:>6.0?}  {}{step}", took, if *ok { "" } else { "FAILED " });
    }
}
