//! Synthetic schools at market scale, for benchmarks: `volant admin seed --preset medium`.
//!
//! Deterministic from a seed number (ids included), written with `COPY` one school per
//! transaction as the application role (so row-level security checks every row), and
//! respecting every constraint by construction: each instructor drives one car and teaches
//! their own students in fixed daily slots, so no instructor, vehicle or student is ever in two
//! overlapping lessons. Two years of planning per school (18 months back, 6 ahead), with done
//! lessons consumed in the ledger, no-shows, cancellations, booklets and exams.

use std::fmt::Write as _;

use anyhow::{Context, bail};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Europe::Paris;
use futures::StreamExt;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;
use volant_domain::{booklet::remc_b, email::Email, ids::TenantId, recurrence::local_to_utc, role::Role, search};

use crate::{audit::Actor, auth::password, db, tenancy};

/// The password of every generated account.
pub const PASSWORD: &str = "volant-bench";
const INSTRUCTORS: usize = 8;
const STUDENTS: usize = 400;
/// Local start hours of the one-hour lessons, Monday to Friday (17:00 onwards stays free for
/// the benchmark's own bookings).
const SLOTS: [u32; 5] = [8, 9, 10, 14, 15];
/// A student trains for about six months.
const TRAINING_DAYS: i64 = 180;
/// Past lessons left to mark (the day's traffic of `cargo xtask bench --day` marks them).
const UNMARKED_DAYS: i64 = 4;
/// Schools generated concurrently.
const SCHOOLS_AT_ONCE: usize = 3;
const FIRST: [&str; 16] = [
    "Léa", "Hugo", "Chloé", "Lucas", "Manon", "Nathan", "Inès", "Théo", "Camille", "Louis", "Éloïse", "Enzo", "Sarah",
    "Mathis", "Jade", "Noah",
];
const LAST: [&str; 16] = [
    "Martin", "Bernard", "Dubois", "Ménard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre",
    "Michel", "Garcia", "Roux", "Fournier", "Girard",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// One school, about 20 000 lessons: CI smoke runs and the start of the growth curve.
    Small,
    /// 100 schools, about 2 million lessons.
    Medium,
    /// 1 000 schools, about 20 million lessons: manual runs.
    Large,
}

impl Preset {
    pub fn schools(self) -> usize {
        match self {
            Preset::Small => 1,
            Preset::Medium => 100,
            Preset::Large => 1000,
        }
    }
}

/// The slug of generated school `n` (1-based); its admin is `admin@<slug>.volant.test`.
pub fn slug(n: usize) -> String {
    format!("bench-{n:04}")
}

/// SplitMix64: small, fast and deterministic; good enough to vary synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn uuid(&mut self) -> Uuid {
        let bytes = (u128::from(self.next()) << 64 | u128::from(self.next())).to_be_bytes();
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    pub schools: usize,
    pub students: usize,
    pub lessons: usize,
    pub ledger_entries: usize,
    pub evaluations: usize,
    pub exams: usize,
    pub seconds: f64,
}

/// Generates the preset's schools unless they exist already (then only says so).
pub async fn generate(pool: &PgPool, preset: Preset, seed: u64, argon2_kib: u32) -> anyhow::Result<Summary> {
    let started = std::time::Instant::now();
    let existing: i64 =
        sqlx::query_scalar("SELECT count(*) FROM tenants WHERE slug LIKE 'bench-%'").fetch_one(pool).await?;
    let wanted = preset.schools();
    if existing > 0 {
        if usize::try_from(existing)? == wanted {
            tracing::info!(schools = existing, "the benchmark schools exist already");
            return Ok(Summary { schools: wanted, ..Summary::default() });
        }
        bail!("this database holds {existing} benchmark schools, not {wanted}: use another data directory");
    }
    let today = Utc::now().with_timezone(&Paris).date_naive();
    let mut total = Summary { schools: wanted, ..Summary::default() };
    // One hash for every generated account (they share the password): hashing 30 000 times at
    // the production cost would take longer than the rest of the large preset.
    let hash = password::hash(PASSWORD.to_owned(), argon2_kib).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    // A few schools at once: while one school's rows are built here, PostgreSQL checks and
    // indexes another's, so both cores work (docs/benchmarks.md has the times).
    let mut schools = futures::stream::iter(1..=wanted)
        .map(|n| {
            let (pool, hash) = (pool.clone(), hash.clone());
            tokio::spawn(
                async move { school(&pool, n, seed, today, &hash).await.with_context(|| format!("school {n}")) },
            )
        })
        .buffer_unordered(SCHOOLS_AT_ONCE);
    let mut done = 0;
    while let Some(s) = schools.next().await {
        let s = s??;
        done += 1;
        total.students += s.students;
        total.lessons += s.lessons;
        total.ledger_entries += s.ledger_entries;
        total.evaluations += s.evaluations;
        total.exams += s.exams;
        if done % 10 == 0 || done == wanted {
            tracing::info!(schools = done, lessons = total.lessons, seconds = started.elapsed().as_secs(), "generated");
        }
    }
    total.seconds = started.elapsed().as_secs_f64();
    Ok(total)
}

/// One school: accounts through the ordinary functions, the bulk through COPY.
async fn school(pool: &PgPool, n: usize, seed: u64, today: NaiveDate, hash: &str) -> anyhow::Result<Summary> {
    let slug = slug(n);
    let new = tenancy::NewTenant {
        slug: slug.clone(),
        name: format!("Auto-école Banc d'essai {n}"),
        legal_name: None,
        siret: None,
        address: Some(format!("{n} avenue de la République, 37000 Tours")),
        timezone: "Europe/Paris".into(),
    };
    let tenant = tenancy::create_tenant(pool, &new).await?;
    let mut rng = Rng(seed ^ (n as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let mut tx = db::begin_tenant(pool, tenant).await?;
    let agency: Uuid = sqlx::query_scalar("SELECT id FROM agencies WHERE tenant_id = $1 LIMIT 1")
        .bind(tenant.0)
        .fetch_one(&mut *tx)
        .await?;
    let school = Plan::new(&mut rng, tenant, agency, today, n);
    let accounts = school.accounts.clone();
    let summary = school.write(&mut tx).await?;
    for account in &accounts {
        account.create(&mut tx, tenant, &slug, hash).await?;
    }
    tx.commit().await?;
    Ok(summary)
}

/// Who logs in to a generated school: `admin@`, `secretariat@`, `moniteur1@`… (each instructor),
/// `eleve1@`… (students in training) at `<slug>.volant.test`, all with [`PASSWORD`].
#[derive(Clone)]
struct Account {
    local: String,
    name: String,
    role: Role,
    /// The instructor's or the student's row the account is linked to.
    linked: Option<Uuid>,
}

/// Students in training given an account, per instructor.
const STUDENT_ACCOUNTS_PER_INSTRUCTOR: usize = 3;

impl Account {
    async fn create(&self, tx: &mut PgConnection, tenant: TenantId, slug: &str, hash: &str) -> anyhow::Result<()> {
        let email = Email::parse(&format!("{}@{slug}.volant.test", self.local)).map_err(|e| anyhow::anyhow!("{e}"))?;
        let (user, _) = tenancy::ensure_user(&mut *tx, &email, &self.name, Some(hash)).await?;
        tenancy::add_membership(&mut *tx, &Actor::system(tenant), user, self.role).await?;
        let link = match self.role {
            Role::Instructor => "UPDATE instructors SET user_id = $2 WHERE tenant_id = $1 AND id = $3",
            Role::Student => "UPDATE students SET user_id = $2 WHERE tenant_id = $1 AND id = $3",
            _ => return Ok(()),
        };
        sqlx::query(link).bind(tenant.0).bind(user.0).bind(self.linked).execute(&mut *tx).await?;
        Ok(())
    }
}

struct Student {
    id: Uuid,
    instructor: usize,
    /// First and last day of training, as day offsets from the start of the planning.
    start: i64,
    end: i64,
}

/// One school's rows, as COPY text per table.
struct Plan {
    tenant: Uuid,
    instructors: String,
    vehicles: String,
    students: String,
    lessons: String,
    participants: String,
    ledger: String,
    evaluations: String,
    exams: String,
    accounts: Vec<Account>,
    summary: Summary,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

impl Plan {
    fn new(rng: &mut Rng, tenant: TenantId, agency: Uuid, today: NaiveDate, n: usize) -> Plan {
        let first_day = today - Duration::days(548);
        let days = 730i64;
        let today_offset = (today - first_day).num_days();
        let t = tenant.0;
        let mut p = Plan {
            tenant: t,
            instructors: String::new(),
            vehicles: String::new(),
            students: String::new(),
            lessons: String::new(),
            participants: String::new(),
            ledger: String::new(),
            evaluations: String::new(),
            exams: String::new(),
            accounts: vec![
                Account { local: "admin".into(), name: "Admin Banc d'essai".into(), role: Role::Admin, linked: None },
                Account {
                    local: "secretariat".into(),
                    name: "Secrétariat Banc d'essai".into(),
                    role: Role::Secretary,
                    linked: None,
                },
            ],
            summary: Summary::default(),
        };
        let instructors: Vec<Uuid> = (0..INSTRUCTORS).map(|_| rng.uuid()).collect();
        let vehicles: Vec<Uuid> = (0..INSTRUCTORS).map(|_| rng.uuid()).collect();
        for (j, (i, v)) in instructors.iter().zip(&vehicles).enumerate() {
            let (first, last) = (FIRST[(j * 5 + n) % FIRST.len()], LAST[(j * 3 + n) % LAST.len()]);
            let expires = today + Duration::days(30 + 97 * j as i64);
            let _ = writeln!(p.instructors, "{t}\t{i}\t{first}\t{last}\tE{n:04}{j:02}\t{expires}\t{agency}");
            let gearbox = if j == INSTRUCTORS - 1 { "automatic" } else { "manual" };
            let _ = writeln!(p.vehicles, "{t}\t{v}\t{}\t{gearbox}\t{agency}\tt", plate(n, j));
            let name = format!("{first} {last}");
            let local = format!("moniteur{}", j + 1);
            p.accounts.push(Account { local, name, role: Role::Instructor, linked: Some(*i) });
        }
        let pool_size = STUDENTS / INSTRUCTORS;
        let students: Vec<Student> = (0..STUDENTS)
            .map(|k| {
                let position = (k / INSTRUCTORS) as i64;
                let start = position * days / pool_size as i64 - 120;
                Student { id: rng.uuid(), instructor: k % INSTRUCTORS, start, end: start + TRAINING_DAYS }
            })
            .collect();
        for (k, s) in students.iter().enumerate() {
            p.student_row(rng, s, k, (first_day, today_offset), (agency, instructors[s.instructor]), n);
        }
        let in_training = students.iter().filter(|s| s.start <= today_offset && today_offset + 14 < s.end);
        for (k, s) in in_training.take(INSTRUCTORS * STUDENT_ACCOUNTS_PER_INSTRUCTOR).enumerate() {
            let local = format!("eleve{}", k + 1);
            p.accounts.push(Account {
                local,
                name: format!("Élève {}", k + 1),
                role: Role::Student,
                linked: Some(s.id),
            });
        }
        let mut done_by_student = vec![0usize; STUDENTS];
        for d in 0..days {
            let day = first_day + Duration::days(d);
            if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                continue;
            }
            for j in 0..INSTRUCTORS {
                let cohort: Vec<usize> = (0..STUDENTS)
                    .filter(|&k| k % INSTRUCTORS == j && students[k].start <= d && d < students[k].end)
                    .collect();
                if cohort.is_empty() {
                    continue;
                }
                for (slot, hour) in SLOTS.iter().enumerate() {
                    let k = cohort[(d as usize * SLOTS.len() + slot) % cohort.len()];
                    let starts_at = local_to_utc(Paris, day.and_hms_opt(*hour, 0, 0).unwrap_or_default());
                    let ids = (t, agency, instructors[j], vehicles[j]);
                    if p.lesson_row(rng, ids, &students[k], starts_at) {
                        done_by_student[k] += 1;
                    }
                }
            }
        }
        for (k, s) in students.iter().enumerate() {
            p.history_rows(rng, s, done_by_student[k], first_day, instructors[s.instructor]);
        }
        p
    }

    fn student_row(
        &mut self,
        rng: &mut Rng,
        s: &Student,
        k: usize,
        (first_day, today_offset): (NaiveDate, i64),
        (agency, referent): (Uuid, Uuid),
        n: usize,
    ) {
        let t = self.tenant;
        let (first, last) = (FIRST[rng.below(16) as usize], LAST[rng.below(16) as usize]);
        let start = first_day + Duration::days(s.start);
        let birth = start - Duration::days(17 * 365 + rng.below(12 * 365) as i64);
        let email =
            format!("{}.{}{k}@ecole{n}.exemple.fr", search::words(first).join(""), search::words(last).join(""));
        let phone = format!("06{:08}", rng.below(100_000_000));
        let neph = format!("{:012}", 100_000_000_000u64 + (n as u64) * 10_000 + k as u64);
        let finished = s.end < today_offset;
        let (status, end_reason) = match (finished, k.is_multiple_of(37)) {
            (true, true) => ("archived", "licence_obtained"),
            (true, false) if k.is_multiple_of(9) => ("finished", "abandoned"),
            (true, false) => ("finished", "licence_obtained"),
            (false, _) => ("active", "\\N"),
        };
        let before_archive = if status == "archived" { "finished" } else { "\\N" };
        let category = if k.is_multiple_of(6) { "B78" } else { "B" };
        let evaluation = format!(r#"{{"date": "{start}", "estimated_minutes": 1500}}"#);
        let contract = start + Duration::days(2);
        let text = search::document(&[Some(first), Some(last), Some(&email), Some(&phone), Some(&neph)]);
        let key = search::sort_key(last, first);
        let _ = writeln!(
            self.students,
            "{t}\t{}\t{status}\t{before_archive}\t{end_reason}\t{first}\t{last}\t{birth}\t{email}\t{phone}\t{neph}\tvalidated\t\
             {category}\t{agency}\t{referent}\t{evaluation}\t{contract}\t{text}\t{key}",
            s.id
        );
        self.summary.students += 1;
    }

    /// A one-hour driving lesson; returns true when it was done.
    fn lesson_row(
        &mut self,
        rng: &mut Rng,
        ids: (Uuid, Uuid, Uuid, Uuid),
        s: &Student,
        starts_at: DateTime<Utc>,
    ) -> bool {
        let (t, agency, instructor, vehicle) = ids;
        let id = rng.uuid();
        let ends_at = starts_at + Duration::hours(1);
        let past = ends_at < Utc::now();
        // Instructors mark their lessons after the fact: those of the last days are not yet.
        let unmarked = past && ends_at > Utc::now() - Duration::days(UNMARKED_DAYS);
        let roll = rng.below(100);
        let (status, cancelled) = match (past, roll) {
            (true, 90..) | (false, 0..3) => ("cancelled", true),
            (true, _) if unmarked => ("planned", false),
            (true, 0..85) => ("done", false),
            (true, _) => ("no_show", false),
            (false, _) => ("planned", false),
        };
        let (reason, by, at) = if cancelled {
            (
                "Indisponible",
                if roll.is_multiple_of(2) { "student" } else { "school" },
                ts(starts_at - Duration::days(3)),
            )
        } else {
            ("\\N", "\\N", "\\N".into())
        };
        let charged = if status == "no_show" { "t" } else { "f" };
        let (from, to) = (ts(starts_at), ts(ends_at));
        let _ = writeln!(
            self.lessons,
            "{t}\t{id}\tdriving\t{status}\t{from}\t{to}\t{instructor}\t{vehicle}\t{}\t{agency}\tAgence\t{reason}\t{by}\t{at}\t{charged}",
            s.id
        );
        let _ = writeln!(self.participants, "{t}\t{id}\t{}\t[\"{from}\",\"{to}\")\t{status}", s.id);
        if matches!(status, "done" | "no_show") {
            let reason = if status == "done" { "Leçon effectuée" } else { "Absence à la leçon" };
            let _ = writeln!(self.ledger, "{t}\t{}\t{}\tconsumption\t-60\t{reason}\t{id}\t{to}", rng.uuid(), s.id);
            self.summary.ledger_entries += 1;
        }
        self.summary.lessons += 1;
        status == "done"
    }

    /// Purchases, booklet evaluations and exams that follow the student's lessons.
    fn history_rows(&mut self, rng: &mut Rng, s: &Student, done: usize, first_day: NaiveDate, instructor: Uuid) {
        let t = self.tenant;
        let start = first_day + Duration::days(s.start);
        let at = |d: NaiveDate, h: u32| ts(local_to_utc(Paris, d.and_hms_opt(h, 0, 0).unwrap_or_default()));
        for pack in 0..(done / 20 + 1) {
            let on = at(start + Duration::days(pack as i64 * 45), 12);
            let _ =
                writeln!(self.ledger, "{t}\t{}\t{}\tpurchase\t1200\tForfait 20 heures\t\\N\t{on}", rng.uuid(), s.id);
            self.summary.ledger_entries += 1;
        }
        let reference = remc_b();
        let reached = (done * 32 / 30).min(32);
        let items = reference.competencies.iter().flat_map(|c| c.items.iter()).take(reached);
        for (i, item) in items.enumerate() {
            let level = match reached - i {
                0..=3 => "aborde",
                4..=9 => "traite",
                _ => "assimile",
            };
            let on = (start + Duration::days((i as i64 * TRAINING_DAYS) / 40)).min(first_day + Duration::days(729));
            let _ = writeln!(
                self.evaluations,
                "{t}\t{}\t{}\t{}\t{level}\t{instructor}\t{on}\tlesson",
                rng.uuid(),
                s.id,
                item.code
            );
            self.summary.evaluations += 1;
        }
        let today = Utc::now().date_naive();
        let on = start + Duration::days(40);
        if done >= 10 && on < today {
            let score = 35 + rng.below(6);
            let _ = writeln!(
                self.exams,
                "{t}\t{}\t{}\ttheory\t{}\tLa Poste\tpassed\t{score}\tf",
                rng.uuid(),
                s.id,
                at(on, 9)
            );
            self.summary.exams += 1;
        }
        let on = start + Duration::days(TRAINING_DAYS - 5);
        if done >= 20 && on < today {
            let (result, score) =
                if rng.below(10) < 6 { ("passed", 20 + rng.below(12)) } else { ("failed", rng.below(20)) };
            let _ = writeln!(
                self.exams,
                "{t}\t{}\t{}\tpractical\t{}\tTours-Nord\t{result}\t{score}\tf",
                rng.uuid(),
                s.id,
                at(on, 8)
            );
            self.summary.exams += 1;
        }
    }

    /// COPY cannot write into a table under row-level security, so each table goes through a
    /// temporary staging table, then one INSERT … SELECT that the policies check row by row.
    async fn write(self, conn: &mut PgConnection) -> anyhow::Result<Summary> {
        let tables = [
            (
                "instructors",
                "tenant_id, id, first_name, last_name, authorisation_number, authorisation_expires_on, agency_id",
                &self.instructors,
            ),
            ("vehicles", "tenant_id, id, plate, gearbox, agency_id, dual_controls", &self.vehicles),
            (
                "students",
                "tenant_id, id, status, status_before_archive, end_reason, first_name, last_name, birth_date, email, \
                 phone, neph, ants_status, category, agency_id, referent_instructor_id, start_evaluation, contract_signed_on, \
                 search_text, sort_key",
                &self.students,
            ),
            (
                "lessons",
                "tenant_id, id, kind, status, starts_at, ends_at, instructor_id, vehicle_id, student_id, agency_id, \
                 meeting_point, cancel_reason, cancelled_by, cancelled_at, charged",
                &self.lessons,
            ),
            ("lesson_participants", "tenant_id, lesson_id, student_id, period, status", &self.participants),
            ("hours_ledger", "tenant_id, id, student_id, kind, minutes, reason, lesson_id, created_at", &self.ledger),
            (
                "booklet_evaluations",
                "tenant_id, id, student_id, item_code, level, instructor_id, evaluated_on, source",
                &self.evaluations,
            ),
            ("exams", "tenant_id, id, student_id, kind, scheduled_at, centre, result, score, eliminatory", &self.exams),
        ];
        for (table, columns, rows) in tables {
            let stage = format!("stage_{table}");
            let create = format!("CREATE TEMP TABLE {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP");
            sqlx::raw_sql(sqlx::AssertSqlSafe(create)).execute(&mut *conn).await?;
            let mut copy = conn.copy_in_raw(&format!("COPY {stage} ({columns}) FROM STDIN")).await?;
            copy.send(rows.as_bytes()).await?;
            copy.finish().await.with_context(|| format!("COPY {table}"))?;
            let insert = format!("INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage}");
            sqlx::raw_sql(sqlx::AssertSqlSafe(insert))
                .execute(&mut *conn)
                .await
                .with_context(|| format!("INSERT {table}"))?;
        }
        Ok(self.summary)
    }
}

/// A SIV plate unique in the school: AB-123-CD style.
fn plate(n: usize, j: usize) -> String {
    let letter = |k: usize| char::from(b'A' + u8::try_from(k % 26).unwrap_or(0));
    format!("{}{}-{:03}-{}{}", letter(n / 26), letter(n), j + 100, letter(j), letter(n / 676))
}
