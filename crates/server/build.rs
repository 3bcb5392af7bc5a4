//! Makes sure `web/dist` exists before `RustEmbed` reads its path. In debug builds the web app is
//! read from disk at run time, but only under the folder's canonical path as resolved at compile
//! time; a folder missing then (the server built before the web app, as `cargo xtask test` does)
//! leaves a non-canonical path that no file ever matches, and the app answers 503 until the server
//! is rebuilt. An empty folder fixes the path; `npm run build` fills it later.

fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist");
    if let Err(error) = std::fs::create_dir_all(&dist) {
        println!("cargo:warning=cannot create {}: {error}", dist.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
