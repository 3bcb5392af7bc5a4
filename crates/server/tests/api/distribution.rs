//! The path beyond one database (ARCHITECTURE.md § Scale-out path, docs/scaling.md): every school
//! table can be distributed by `tenant_id` (Citus), and every statement of the server names the
//! school it reads or writes, so a distributed engine can send it to the one node holding it.
//!
//! Three kinds of tables:
//! - distributed by `tenant_id`: every table under row-level security;
//! - reference tables (copied to every node): the tables without `tenant_id` (`tenants`, `users`…);
//! - coordinator tables: the few global tables that carry a `tenant_id` but are read before a
//!   school is known (sessions, invitations, the jobs outbox…; `isolation.rs` lists them).

use std::{collections::BTreeSet, path::Path};

use crate::{
    helpers::*,
    isolation::{GLOBAL_TABLES, GLOBAL_WITH_TENANT_ID, SCHOOL_OR_INSTALLATION},
    layers::rust_files,
};

/// A foreign key: its name, its table, the table it points to, and where `tenant_id` stands in
/// each side's columns.
type ForeignKey = (String, String, String, Option<i32>, Option<i32>);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Distributed,
    Reference,
    Coordinator,
}

fn kind(table: &str) -> Kind {
    if GLOBAL_TABLES.contains(&table) {
        Kind::Reference
    } else if GLOBAL_WITH_TENANT_ID.contains(&table) || SCHOOL_OR_INSTALLATION.contains(&table) {
        Kind::Coordinator
    } else {
        Kind::Distributed
    }
}

/// The tables distributed by `tenant_id`, read from the migrated schema.
async fn distributed_tables(app: &TestApp) -> BTreeSet<String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    tables.into_iter().filter(|t| kind(t) == Kind::Distributed).collect()
}

#[tokio::test]
async fn every_school_table_is_distributable_by_tenant_id() {
    let app = spawn_app().await;
    let distributed = distributed_tables(&app).await;
    assert!(distributed.len() > 40, "the school tables were found: {distributed:?}");
    let mut faults = vec![];

    // The distribution column is never empty.
    let nullable: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attname = 'tenant_id'
            AND NOT a.attnotnull",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for table in nullable.iter().filter(|t| distributed.contains(*t)) {
        faults.push(format!("{table}.tenant_id may be NULL: a distributed row needs its school"));
    }

    // A node can only check a uniqueness or an exclusion among the rows it holds: every key,
    // unique index and exclusion constraint includes the distribution column.
    let keys: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT c.relname::text, ic.relname::text,
                EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname = 'tenant_id'
                         AND a.attnum = ANY (i.indkey))
           FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
          WHERE c.relnamespace = 'public'::regnamespace AND (i.indisunique OR i.indisexclusion)",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for (table, index, has_tenant) in keys {
        if distributed.contains(&table) && !has_tenant {
            faults.push(format!("{table}: {index} does not include tenant_id"));
        }
    }

    // Foreign keys: between two distributed tables they join on tenant_id (co-located, the
    // same school on the same node); towards a reference table they are free; no reference or
    // coordinator table may point into a distributed one.
    let fks: Vec<ForeignKey> = sqlx::query_as(
        "SELECT c.conname::text, src.relname::text, dst.relname::text,
                array_position(c.conkey, (SELECT attnum FROM pg_attribute
                                           WHERE attrelid = c.conrelid AND attname = 'tenant_id')::smallint)::int,
                array_position(c.confkey, (SELECT attnum FROM pg_attribute
                                            WHERE attrelid = c.confrelid AND attname = 'tenant_id')::smallint)::int
           FROM pg_constraint c JOIN pg_class src ON src.oid = c.conrelid JOIN pg_class dst ON dst.oid = c.confrelid
          WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(fks.len() > 50, "the foreign keys were found");
    for (name, from, to, from_pos, to_pos) in fks {
        match (kind(&from), kind(&to)) {
            (Kind::Distributed, Kind::Distributed) if from_pos.is_none() || from_pos != to_pos => {
                faults.push(format!("{from} → {to}: {name} does not pair tenant_id with tenant_id"));
            }
            (Kind::Reference | Kind::Coordinator, Kind::Distributed) => {
                faults.push(format!("{from} → {to}: {name} points from a global table into a school table"));
            }
            (Kind::Distributed, Kind::Coordinator) => {
                faults.push(format!("{from} → {to}: {name} points into a table that stays on the coordinator"));
            }
            _ => {}
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

/// Every statement of the server that reads or writes a distributed table names `tenant_id` at
/// least once per such table (its filter, its join, its insert's column): the engine routes on
/// it, and a join of two school tables on anything else would cross nodes.
#[tokio::test]
async fn every_statement_names_the_school_of_each_table_it_touches() {
    let app = spawn_app().await;
    let distributed = distributed_tables(&app).await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&root, &mut files);
    let (mut statements, mut faults) = (0, vec![]);
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        for (line, sql) in string_literals(&src) {
            if sql.contains("set_config('app.") {
                let relative = path.strip_prefix(&root).unwrap().display();
                faults.push(format!(
                    "src/{relative}:{line} sets the school with set_config: use db::begin_tenant or db::enter_tenant \
                     (SET LOCAL, which Citus forwards to its nodes)"
                ));
            }
            let touched = tables_touched(&sql, &distributed);
            if touched.is_empty() {
                continue;
            }
            statements += 1;
            let named = words(&sql).filter(|w| *w == "tenant_id").count();
            if named < touched.len() {
                let relative = path.strip_prefix(&root).unwrap().display();
                faults.push(format!(
                    "src/{relative}:{line} touches {touched:?} but names tenant_id {named} time(s): `{}`",
                    sql.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        }
    }
    assert!(statements > 300, "the statements were found: {statements}");
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

fn words(sql: &str) -> impl Iterator<Item = &str> {
    sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty())
}

/// The distributed tables a statement reads or writes: the names after FROM, JOIN, UPDATE and
/// INTO. Only literals that start like a statement count (a fragment is checked where it is
/// completed, and names no table of its own).
fn tables_touched(sql: &str, distributed: &BTreeSet<String>) -> Vec<String> {
    let first = words(sql).next().unwrap_or_default();
    if !["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains(&first) {
        return vec![];
    }
    let w: Vec<&str> = words(sql).collect();
    w.windows(2)
        .filter(|p| ["FROM", "JOIN", "UPDATE", "INTO"].contains(&p[0]) && distributed.contains(p[1]))
        .map(|p| p[1].to_owned())
        .collect()
}

/// The string literals of a Rust source (plain and raw), with the line each starts on; a
/// backslash at the end of a line joins it to the next, as Rust does. Comments and character
/// literals are skipped so that a quote inside them opens nothing.
fn string_literals(src: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = src.chars().collect();
    let (mut found, mut i, mut line) = (vec![], 0, 1);
    let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = at(i);
        if c == '\n' {
            line += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && at(i) != '\n' {
                i += 1;
            }
            continue;
        } else if c == '\'' && at(i + 2) == '\'' {
            i += 3;
            continue;
        } else if c == '\'' && at(i + 1) == '\\' {
            i += 2;
            while i < chars.len() && at(i) != '\'' {
                i += 1;
            }
        } else if c == 'r' && (at(i + 1) == '#' || at(i + 1) == '"') && !is_ident(at(i.wrapping_sub(1))) {
            let hashes = chars[i + 1..].iter().take_while(|h| **h == '#').count();
            if at(i + 1 + hashes) == '"' {
                let start = i + 2 + hashes;
                let mut end = start;
                while end < chars.len() && !(at(end) == '"' && (1..=hashes).all(|h| at(end + h) == '#')) {
                    end += 1;
                }
                let text: String = chars[start..end.min(chars.len())].iter().collect();
                found.push((line, text.clone()));
                line += text.matches('\n').count();
                i = end + 1 + hashes;
                continue;
            }
        } else if c == '"' {
            let (start_line, mut text, mut k) = (line, String::new(), i + 1);
            while k < chars.len() && at(k) != '"' {
                if at(k) == '\\' && at(k + 1) == '\n' {
                    line += 1;
                    k += 2;
                    while at(k).is_whitespace() {
                        line += usize::from(at(k) == '\n');
                        k += 1;
                    }
                    continue;
                }
                if at(k) == '\\' {
                    text.push(at(k));
                    k += 1;
                }
                line += usize::from(at(k) == '\n');
                text.push(at(k));
                k += 1;
            }
            found.push((start_line, text));
            i = k + 1;
            continue;
        }
        i += 1;
    }
    found
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[test]
fn the_statement_reader_joins_lines_and_skips_comments() {
    let src = "// a \"quoted\" comment\nlet c = '\"';\nconst Q: &str = \"SELECT x \\\n   FROM lessons l JOIN students s ON s.id = l.student_id\n WHERE l.tenant_id = $1\";\nlet r = r#\"DELETE FROM lessons WHERE tenant_id = $1\"#;";
    let found = string_literals(src);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, 3);
    assert!(found[0].1.starts_with("SELECT x FROM lessons"), "{:?}", found[0].1);
    assert_eq!(found[1], (6, "DELETE FROM lessons WHERE tenant_id = $1".to_owned()));
    let distributed: BTreeSet<String> = ["lessons", "students"].map(String::from).into();
    assert_eq!(tables_touched(&found[0].1, &distributed), ["lessons", "students"]);
    assert_eq!(words(&found[0].1).filter(|w| *w == "tenant_id").count(), 1, "one school named for two tables");
}
