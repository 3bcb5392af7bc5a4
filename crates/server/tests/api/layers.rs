//! The layers of the server crate point one way: a module imports only modules of its own layer
//! or below, and modules of one layer import each other without a circle. A new module must be
//! given its layer here (ARCHITECTURE.md § Layers, ADR 0005).

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

/// Lowest first. Within a layer, imports are allowed as long as they form no circle.
const LAYERS: &[&[&str]] = &[
    // Foundations: configuration, errors, connections, the shared state, the outbox, mail.
    &["config", "error", "metrics"],
    // Secrets sealed at rest under the server's key.
    &["sealed"],
    // The card payment provider's protocol (the shared state holds its client).
    &["payments"],
    &["db", "state"],
    &["jobs"],
    &["mail", "sms"],
    // Core: the HTTP edge's helpers, the audit chain, who is calling, people, the log, settings.
    &["http"],
    &["audit"],
    &["auth"],
    &["users", "audit_log", "school", "journal"],
    // The request context: permission, tenant transaction, school and viewer in one call.
    &["work"],
    // A school's long jobs (imports, exports) and their progress.
    &["school_jobs"],
    // Notifications: raised by any feature below the top, sent by jobs.
    &["notifications"],
    // Resources.
    &["agencies", "instructors", "vehicles", "students"],
    // An instructor's external calendars (their busy times feed the planning's facts).
    &["external_calendars"],
    // The connectors to the State platforms (they read and write student files).
    &["connectors"],
    // Schools and their members, which provision resources (a school's first agency, the
    // student linked to an accepted invitation).
    &["tenancy", "invitations"],
    &["planning"],
    // Billing: the catalogue, invoices, payments (the exams' `balance` rule reads the account).
    &["billing"],
    &["booklet", "exams", "change_requests", "calendar", "confirmations"],
    // Analytics read the planning, the exams, the students and the fiscal records.
    &["analytics"],
    // The digital livret (it reads lessons and students, calls through the connectors).
    &["livret", "rdvpermis"],
    // Each school's public website: its products, agencies and legal data.
    &["site"],
    // Imports from the previous software and exports of the school and of a student's dossier.
    &["imports", "exports"],
    // The top: the assembled application, the operator's commands, the demo and the benchmark seed.
    &["features", "demo", "seed", "app", "cli", "lib", "main", "simulate"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level modules a source file names through `crate::…`, macros aside.
fn imported_modules(src: &str) -> BTreeSet<String> {
    // Test modules sit at the end of a file and may reach anything.
    let src = src.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = BTreeSet::new();
    let mut rest = src;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::{c, d}, e}`: the first name of each top-level item.
            let (mut depth, mut item_start) = (1, true);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => item_start = true,
                    c if item_start && depth == 1 && (c.is_ascii_lowercase() || c == '_') => {
                        item_start = false;
                        found.insert(identifier(&group[i..]).to_owned());
                    }
                    c if !c.is_whitespace() => item_start = false,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
        } else {
            let name = identifier(rest);
            if !rest[name.len()..].starts_with('!') {
                found.insert(name.to_owned());
            }
        }
    }
    found
}

fn identifier(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

fn collect(dir: &Path, root: &Path, edges: &mut BTreeMap<String, BTreeSet<String>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, root, edges);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap();
            let first = relative.components().next().unwrap().as_os_str().to_string_lossy();
            let module = first.trim_end_matches(".rs").to_owned();
            let imports = imported_modules(&std::fs::read_to_string(&path).unwrap());
            let targets = edges.entry(module.clone()).or_default();
            targets.extend(imports.into_iter().filter(|m| *m != module));
        }
    }
}

/// A circle among the modules of one layer, if any (depth-first search).
fn circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut found = path[start..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if layer_of(next) == layer_of(node)
                && let Some(found) = visit(next, edges, path, done)
            {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|n| visit(n, edges, &mut vec![], &mut done))
}

#[test]
fn the_server_modules_import_only_their_own_layer_or_below_and_form_no_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges = BTreeMap::new();
    collect(&root, &root, &mut edges);
    assert!(edges.len() > 20, "the source tree was read: {edges:?}");
    let mut faults = vec![];
    for (from, targets) in &edges {
        let Some(from_layer) = layer_of(from) else {
            faults.push(format!("`{from}` has no layer: add it to LAYERS in tests/api/layers.rs"));
            continue;
        };
        for to in targets {
            match layer_of(to) {
                None => faults.push(format!("`{from}` imports `{to}`, which has no layer")),
                Some(to_layer) if to_layer > from_layer => {
                    faults.push(format!("`{from}` imports `{to}`, a layer above it: call down, never up"));
                }
                _ => {}
            }
        }
    }
    if let Some(found) = circle(&edges) {
        faults.push(format!("import circle within a layer: {}", found.join(" → ")));
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn the_import_reader_sees_grouped_and_plain_paths_and_skips_macros() {
    let src = "use crate::{\n    audit::{self, Actor},\n    db, error::{AppError, AppResult},\n};\n\
               fn f() { crate::planning::repo::get(); crate::text_enum!(X); }\n\
               #[cfg(test)]\nmod tests { use crate::demo; }";
    let found: Vec<String> = imported_modules(src).into_iter().collect();
    assert_eq!(found, ["audit", "db", "error", "planning"]);
}

/// The lines of a source file that use `sqlx::`, numbered from 1, test modules aside.
fn sqlx_lines(src: &str) -> Vec<(usize, &str)> {
    src.lines()
        .enumerate()
        .take_while(|(_, line)| !line.contains("#[cfg(test)]"))
        .filter(|(_, line)| line.contains("sqlx::"))
        .map(|(i, line)| (i + 1, line.trim()))
        .collect()
}

fn files_named(dir: &Path, name: &str, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_named(&path, name, found);
        } else if path.file_name().is_some_and(|n| n == name) {
            found.push(path);
        }
    }
}

/// A `routes.rs` holds HTTP only: it extracts the parameters, calls a service or a repository
/// function and maps the result to a response. SQL lives in `repo.rs`, business steps in
/// `service.rs` (ARCHITECTURE.md § Style we admire).
#[test]
fn routes_speak_http_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    files_named(&root, "routes.rs", &mut files);
    files.sort();
    assert!(files.len() > 5, "the route files were found: {files:?}");
    let mut faults = vec![];
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let relative = path.strip_prefix(&root).unwrap().display();
        for (line, text) in sqlx_lines(&src) {
            faults.push(format!(
                "src/{relative}:{line} uses sqlx (`{text}`): move the statement to the feature's repo.rs, or the \
                 step to its service.rs"
            ));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn the_sqlx_reader_numbers_lines_and_skips_test_modules() {
    let src = "use axum::Json;\nuse sqlx::PgConnection;\nfn f() {}\n#[cfg(test)]\nmod tests { use sqlx::PgPool; }";
    assert_eq!(sqlx_lines(src), [(2, "use sqlx::PgConnection;")]);
}

pub fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The names of the types a source file derives `ToSchema` for (under their `#[schema(as)]` name
/// when they have one).
fn schema_names(src: &str) -> Vec<String> {
    let mut names = vec![];
    let mut pending: Option<Option<String>> = None;
    for line in src.lines().map(str::trim) {
        if (line.starts_with("#[derive(") || line.starts_with("#[cfg_attr(")) && line.contains("ToSchema") {
            pending = Some(None);
        } else if let (Some(renamed), Some(rest)) = (&mut pending, line.strip_prefix("#[schema(as = ")) {
            *renamed = Some(identifier(rest).to_owned());
        } else if let Some(renamed) = &pending
            && let Some(rest) =
                ["pub struct ", "pub enum ", "struct ", "enum "].iter().find_map(|k| line.strip_prefix(k))
        {
            names.push(renamed.clone().unwrap_or_else(|| identifier(rest).to_owned()));
            pending = None;
        }
    }
    names
}

/// utoipa keys the document's schemas by name: two types of one name silently become one (the
/// second replaces the first, and a client is generated for the wrong shape).
#[test]
fn no_two_api_types_share_a_schema_name() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    rust_files(&manifest.join("src"), &mut files);
    rust_files(&manifest.join("../domain/src"), &mut files);
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        for name in schema_names(&std::fs::read_to_string(&file).unwrap()) {
            seen.entry(name).or_default().push(file.display().to_string());
        }
    }
    assert!(seen.len() > 50, "the types were read: {}", seen.len());
    let twice: Vec<String> =
        seen.iter().filter(|(_, at)| at.len() > 1).map(|(name, at)| format!("{name}: {}", at.join(", "))).collect();
    assert!(twice.is_empty(), "schema names used twice:\n{}", twice.join("\n"));
}

#[test]
fn the_schema_reader_sees_renames() {
    let src = "#[derive(Debug, ToSchema)]\n#[serde(rename_all = \"snake_case\")]\npub enum Kind { A }\n\
               #[derive(ToSchema)]\n#[schema(as = OtherName)]\nstruct Hidden;\n#[derive(Debug)]\npub struct Plain;";
    assert_eq!(schema_names(src), ["Kind", "OtherName"]);
}
