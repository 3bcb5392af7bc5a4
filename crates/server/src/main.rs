use clap::Parser;
use tracing_subscriber::EnvFilter;

/// mimalloc returns freed memory to the system: with glibc's allocator, the large short-lived
/// buffers of password hashing (19 MiB each) and big responses stayed in its arenas, and the
/// server's resident memory reached 600 MiB under load (70 MiB with mimalloc; see
/// docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let filter = EnvFilter::try_from_env("VOLANT_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info,lettre=warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let cli = volant::cli::Cli::parse();
    match volant::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("volant: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
