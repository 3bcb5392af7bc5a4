//! The embedded default database: a private PostgreSQL cluster under the data directory,
//! listening only on a unix socket, started and stopped by `volant` itself.
//!
//! PostgreSQL refuses to run as root, and CI runs as root: then `initdb` and `pg_ctl` run as an
//! unprivileged system user (`postgres` where it exists, else `volant-pg`, created on demand).
//! When that user cannot enter the data directory (a clone under `/root`, mode 0700), the
//! cluster lives in `/var/lib/volant/clusters/<name>-<hash>` instead, and the log says so.

use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Stdio,
};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use sqlx::postgres::PgConnectOptions;
use tokio::process::Command;

/// The superuser that `initdb` creates; used only to create roles and databases.
pub const SUPERUSER: &str = "postgres";
/// Socket paths are limited to 107 bytes by the kernel; keep a margin.
const MAX_SOCKET_DIR_LEN: usize = 90;
const FALLBACK_ROOT: &str = "/var/lib/volant/clusters";

#[derive(Debug, Clone)]
pub struct EmbeddedPg {
    bindir: PathBuf,
    cluster_dir: PathBuf,
    socket_dir: PathBuf,
    /// The system user that runs PostgreSQL when we are root.
    run_as: Option<String>,
    started_here: bool,
}

impl EmbeddedPg {
    /// Starts (or reuses) the cluster for `data_dir`; creates it on first use.
    pub async fn start(data_dir: &Path) -> anyhow::Result<Self> {
        let bindir = find_bindir().await?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
        let data_dir = std::fs::canonicalize(data_dir)?;
        let run_as = if nix::unistd::Uid::effective().is_root() { Some(ensure_system_user().await?) } else { None };
        let cluster_dir = choose_cluster_dir(&data_dir, run_as.as_deref()).await?;
        let socket_dir = choose_socket_dir(&cluster_dir);
        let mut pg = EmbeddedPg { bindir, cluster_dir, socket_dir, run_as, started_here: false };
        pg.prepare_dirs()?;
        if !pg.cluster_dir.join("PG_VERSION").exists() {
            pg.initdb().await?;
        }
        if pg.is_running().await {
            tracing::info!(cluster = %pg.cluster_dir.display(), "reusing the running embedded PostgreSQL");
        } else {
            pg.pg_ctl_start().await?;
            pg.started_here = true;
        }
        Ok(pg)
    }

    pub fn cluster_dir(&self) -> &Path {
        &self.cluster_dir
    }

    /// Connection options for `user` on `database` through the private socket.
    pub fn connect_options(&self, user: &str, database: &str) -> PgConnectOptions {
        PgConnectOptions::new().socket(&self.socket_dir).port(5432).username(user).database(database)
    }

    /// A libpq-style URL, for tools and tests.
    pub fn url(&self, user: &str, database: &str) -> String {
        format!("postgres://{user}@localhost:5432/{database}?host={}", self.socket_dir.display())
    }

    /// Stops the cluster if this process started it.
    pub async fn stop(&self) {
        if !self.started_here {
            return;
        }
        let args = ["stop", "-D", path_str(&self.cluster_dir), "-m", "fast", "-w", "-t", "60"];
        match self.run_pg_tool("pg_ctl", &args).await {
            Ok(_) => tracing::info!("embedded PostgreSQL stopped"),
            Err(e) => tracing::warn!(error = %e, "embedded PostgreSQL did not stop cleanly"),
        }
    }

    fn prepare_dirs(&self) -> anyhow::Result<()> {
        for dir in [&self.cluster_dir, &self.socket_dir] {
            std::fs::create_dir_all(dir)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            if let Some(user) = &self.run_as {
                chown_to(dir, user)?;
            }
        }
        Ok(())
    }

    async fn initdb(&self) -> anyhow::Result<()> {
        tracing::info!(cluster = %self.cluster_dir.display(), "creating the embedded PostgreSQL cluster");
        let dir = path_str(&self.cluster_dir);
        let args = ["-D", dir, "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"];
        self.run_pg_tool("initdb", &args).await?;
        // Only the private socket: no TCP port is taken, and only the directory owner (and root)
        // can reach the socket, so trust authentication stays private.
        let conf = format!(
            "\n# written by volant\nlisten_addresses = ''\nunix_socket_directories = '{}'\n\
             unix_socket_permissions = 0700\nport = 5432\nmax_connections = 200\n\
             log_min_messages = warning\n",
            self.socket_dir.display()
        );
        let conf_path = self.cluster_dir.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf_path)?;
        text.push_str(&conf);
        std::fs::write(&conf_path, text)?;
        Ok(())
    }

    async fn is_running(&self) -> bool {
        self.run_pg_tool("pg_ctl", &["status", "-D", path_str(&self.cluster_dir)]).await.is_ok()
    }

    /// Starts the cluster with its memory sized for this machine at each start (a machine given
    /// more memory gets larger buffers at the next start, without touching `postgresql.conf`).
    async fn pg_ctl_start(&self) -> anyhow::Result<()> {
        let log = self.cluster_dir.join("postmaster.log");
        let sizing = Sizing::for_memory_mb(memory_mb());
        let options = sizing.options();
        let args = ["start", "-D", path_str(&self.cluster_dir), "-l", path_str(&log), "-w", "-t", "60", "-o", &options];
        self.run_pg_tool("pg_ctl", &args)
            .await
            .with_context(|| format!("PostgreSQL did not start; see {}", log.display()))?;
        tracing::info!(socket = %self.socket_dir.display(), ?sizing, "embedded PostgreSQL started");
        Ok(())
    }

    /// Runs a PostgreSQL program, as the unprivileged user when we are root.
    async fn run_pg_tool(&self, tool: &str, args: &[&str]) -> anyhow::Result<String> {
        let program = self.bindir.join(tool);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        // The server must not inherit our terminal's signals or stdin.
        cmd.args(args).stdin(Stdio::null()).current_dir(&self.cluster_dir).process_group(0);
        let out = cmd.output().await.with_context(|| format!("cannot run {}", program.display()))?;
        if !out.status.success() {
            bail!(
                "{tool} failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// PostgreSQL's memory settings for the memory it may use, after the usual rules for a
/// database that shares its machine with one application server (docs/scaling.md): a quarter of
/// the memory for PostgreSQL's own buffers, the operating system's page cache counted as three
/// quarters for the planner, sorts and index builds given what is left over the connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizing {
    pub shared_buffers_mb: u64,
    pub effective_cache_size_mb: u64,
    pub work_mem_mb: u64,
    pub maintenance_work_mem_mb: u64,
    pub max_wal_size_mb: u64,
}

/// `max_connections` of the cluster (written at `initdb`): each may sort with `work_mem`.
const MAX_CONNECTIONS: u64 = 200;

impl Sizing {
    pub fn for_memory_mb(memory_mb: u64) -> Sizing {
        let shared_buffers_mb = (memory_mb / 4).clamp(128, 16 * 1024);
        // Three sorts or hashes per connection at once, at most, from what the buffers leave.
        let per_sort = memory_mb.saturating_sub(shared_buffers_mb) / (MAX_CONNECTIONS * 3);
        Sizing {
            shared_buffers_mb,
            effective_cache_size_mb: (memory_mb * 3 / 4).max(shared_buffers_mb),
            work_mem_mb: per_sort.clamp(4, 64),
            maintenance_work_mem_mb: (memory_mb / 16).clamp(64, 2048),
            // Fewer checkpoints while bulk data is written (imports, the benchmark's seed).
            max_wal_size_mb: if memory_mb >= 8 * 1024 { 4096 } else { 1024 },
        }
    }

    /// The options given to `postgres` through `pg_ctl start -o`.
    fn options(&self) -> String {
        format!(
            "-c shared_buffers={}MB -c effective_cache_size={}MB -c work_mem={}MB -c maintenance_work_mem={}MB \
             -c max_wal_size={}MB -c random_page_cost=1.1 -c effective_io_concurrency=200",
            self.shared_buffers_mb,
            self.effective_cache_size_mb,
            self.work_mem_mb,
            self.maintenance_work_mem_mb,
            self.max_wal_size_mb
        )
    }
}

/// The memory the embedded cluster may plan for: `VOLANT_PG_MEMORY_MB` when set (several
/// clusters on one machine, or a server sharing it with other work), else the machine's memory,
/// or its control group's limit when lower (a container).
fn memory_mb() -> u64 {
    if let Some(mb) = std::env::var("VOLANT_PG_MEMORY_MB").ok().and_then(|v| v.trim().parse().ok()) {
        return mb;
    }
    let machine = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kib| kib / 1024)
    });
    let limit = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|bytes| bytes / (1024 * 1024));
    match (machine, limit) {
        (Some(m), Some(l)) => m.min(l),
        (m, l) => m.or(l).unwrap_or(1024),
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

/// Finds `initdb` and `pg_ctl`: `pg_config --bindir`, then PATH, then Debian's versioned folders.
async fn find_bindir() -> anyhow::Result<PathBuf> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output().await {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_tools(&dir) {
            return Ok(dir);
        }
    }
    if let Some(path) = std::env::var_os("PATH")
        && let Some(dir) = std::env::split_paths(&path).find(|d| has_tools(d))
    {
        return Ok(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, dir)| has_tools(dir))
        .collect();
    versions.sort();
    if let Some((_, dir)) = versions.pop() {
        return Ok(dir);
    }
    bail!(
        "PostgreSQL server programs (initdb, pg_ctl) were not found. Install PostgreSQL 15 or newer \
         (Debian/Ubuntu: `apt-get install postgresql`), or set DATABASE_URL to an existing server."
    )
}

/// The unprivileged user that runs PostgreSQL when we are root.
async fn ensure_system_user() -> anyhow::Result<String> {
    for name in [SUPERUSER, "volant-pg"] {
        if nix::unistd::User::from_name(name)?.is_some() {
            return Ok(name.to_owned());
        }
    }
    let status = Command::new("useradd")
        .args(["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "volant-pg"])
        .status()
        .await
        .context("cannot run useradd to create the volant-pg system user")?;
    if !status.success() {
        bail!("useradd volant-pg failed ({status})");
    }
    Ok("volant-pg".to_owned())
}

/// `data_dir/pg`, unless the unprivileged user cannot reach it.
async fn choose_cluster_dir(data_dir: &Path, run_as: Option<&str>) -> anyhow::Result<PathBuf> {
    let preferred = data_dir.join("pg");
    let Some(user) = run_as else {
        return Ok(preferred);
    };
    let reachable = Command::new("runuser")
        .args(["-u", user, "--", "test", "-x"])
        .arg(data_dir)
        .status()
        .await
        .map(|s| s.success())
        .unwrap_or(false);
    if reachable {
        return Ok(preferred);
    }
    let name = data_dir.file_name().and_then(|n| n.to_str()).unwrap_or("data").trim_start_matches('.');
    let digest = hex::encode(Sha256::digest(data_dir.as_os_str().as_encoded_bytes()));
    let fallback = Path::new(FALLBACK_ROOT).join(format!("{name}-{}", &digest[..12]));
    std::fs::create_dir_all(FALLBACK_ROOT)?;
    tracing::warn!(
        data_dir = %data_dir.display(),
        cluster = %fallback.display(),
        "the PostgreSQL user {user} cannot enter the data directory; the cluster lives in {}",
        fallback.display()
    );
    std::fs::write(data_dir.join("pg-location.txt"), format!("{}\n", fallback.display()))?;
    Ok(fallback)
}

fn choose_socket_dir(cluster_dir: &Path) -> PathBuf {
    if cluster_dir.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
        return cluster_dir.to_path_buf();
    }
    let digest = hex::encode(Sha256::digest(cluster_dir.as_os_str().as_encoded_bytes()));
    std::env::temp_dir().join(format!(".volant-pg-{}", &digest[..12]))
}

fn chown_to(dir: &Path, user: &str) -> anyhow::Result<()> {
    let u = nix::unistd::User::from_name(user)?.with_context(|| format!("no user {user}"))?;
    nix::unistd::chown(dir, Some(u.uid), Some(u.gid))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Sizing;

    #[test]
    fn a_quarter_of_the_memory_for_the_buffers_within_bounds() {
        let bench = Sizing::for_memory_mb(24 * 1024);
        assert_eq!(bench.shared_buffers_mb, 6 * 1024);
        assert_eq!(bench.effective_cache_size_mb, 18 * 1024);
        assert_eq!(bench.work_mem_mb, 30);
        assert_eq!(bench.maintenance_work_mem_mb, 1536);
        assert_eq!(bench.max_wal_size_mb, 4096);
        let small = Sizing::for_memory_mb(256);
        assert_eq!((small.shared_buffers_mb, small.work_mem_mb, small.maintenance_work_mem_mb), (128, 4, 64));
        assert_eq!(small.max_wal_size_mb, 1024);
        let big = Sizing::for_memory_mb(512 * 1024);
        assert_eq!((big.shared_buffers_mb, big.work_mem_mb, big.maintenance_work_mem_mb), (16 * 1024, 64, 2048));
    }

    #[test]
    fn the_options_name_every_setting_in_megabytes() {
        let o = Sizing::for_memory_mb(8192).options();
        assert!(o.contains("-c shared_buffers=2048MB") && o.contains("-c effective_cache_size=6144MB"), "{o}");
        assert!(!o.contains("  "), "one space between options: {o}");
    }
}
