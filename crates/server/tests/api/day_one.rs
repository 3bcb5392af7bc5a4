//! What a new school meets on day one: duplicates, implausible birth dates, the fields a
//! student reads of a lesson, check constraints and contention that must never be a 500.

use std::sync::Arc;

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use volant::error::{AppError, retrying};
use volant_domain::role::Role;

use crate::helpers::*;

#[tokio::test]
async fn a_neph_is_unique_in_a_school_and_the_refusal_names_the_other_file() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let eloise = created(
        sec.post(
            "/api/v1/students",
            &json!({"first_name": "Éloïse", "last_name": "Lefèvre", "birth_date": "2001-03-04", "neph": "1111 2222 3333"}),
        )
        .await,
    )
    .await;
    let taken = sec
        .post(
            "/api/v1/students",
            &json!({"first_name": "Paul", "last_name": "Martin", "birth_date": "1998-01-02", "neph": "111122223333"}),
        )
        .await;
    let body = problem(taken, 400).await;
    assert_eq!(body["errors"][0]["field"], "neph");
    assert_eq!(body["errors"][0]["message"], "Ce NEPH est déjà celui du dossier d'Éloïse Lefèvre.");
    // Changing another file to that NEPH is refused the same way; its own NEPH is kept by an edit.
    let paul = created(
        sec.post("/api/v1/students", &json!({"first_name": "Paul", "last_name": "Martin", "birth_date": "1998-01-02"}))
            .await,
    )
    .await;
    let r = sec
        .patch(&format!("/api/v1/students/{}", id(&paul)), &json!({"neph": "111122223333", "version": paul["version"]}))
        .await;
    assert_eq!(problem(r, 400).await["errors"][0]["field"], "neph");
    let r = sec
        .patch(
            &format!("/api/v1/students/{}", id(&eloise)),
            &json!({"phone": "0611223344", "version": eloise["version"]}),
        )
        .await;
    assert_eq!(r.status(), 200, "an edit keeps its own NEPH: {:?}", r.text().await);
    // Another school may hold the same NEPH (it is the same person, enrolled elsewhere).
    let other = app.login_as(Role::Admin, 'b').await;
    created(
        other
            .post(
                "/api/v1/students",
                &json!({"first_name": "Éloïse", "last_name": "Lefèvre", "birth_date": "2001-03-04", "neph": "111122223333"}),
            )
            .await,
    )
    .await;
    // The database holds the rule too, whatever the service checks first.
    let mut owner = app.owner_conn().await;
    let index: Option<String> =
        sqlx::query_scalar("SELECT indexdef FROM pg_indexes WHERE indexname = 'students_neph_unique'")
            .fetch_optional(&mut owner)
            .await
            .unwrap();
    assert!(index.is_some_and(|d| d.contains("UNIQUE") && d.contains("(tenant_id, neph)")));
}

#[tokio::test]
async fn a_probable_duplicate_is_refused_with_a_link_unless_the_office_confirms() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let first = created(
        sec.post(
            "/api/v1/students",
            &json!({"first_name": "Éloïse", "last_name": "Lefèvre", "birth_date": "2001-03-04"}),
        )
        .await,
    )
    .await;
    let again = json!({"first_name": "eloise", "last_name": "LEFEVRE", "birth_date": "2001-03-04"});
    let body = problem(sec.post("/api/v1/students", &again).await, 409).await;
    assert_eq!(body["type"], "https://volant.app/problems/duplicate-student");
    assert_eq!(body["conflicts"][0]["id"], first["id"]);
    assert_eq!(body["conflicts"][0]["first_name"], "Éloïse");
    assert!(body["detail"].as_str().unwrap().contains("d'Éloïse Lefèvre"), "{body}");
    assert_eq!(sec.json("/api/v1/students?q=eloise").await["items"].as_array().unwrap().len(), 1, "nothing saved");
    // Another birth date is another person; a confirmed duplicate is saved.
    let mut other_day = again.clone();
    other_day["birth_date"] = json!("2001-03-05");
    created(sec.post("/api/v1/students", &other_day).await).await;
    let mut confirmed = again.clone();
    confirmed["confirm_duplicate"] = json!(true);
    let twin = created(sec.post("/api/v1/students", &confirmed).await).await;
    assert!(twin.get("confirm_duplicate").is_none(), "the confirmation is not a field of the file");
    // Editing the confirmed file without touching its identity is not asked again…
    let path = format!("/api/v1/students/{}", id(&twin));
    let r = sec.patch(&path, &json!({"phone": "0611223344", "version": twin["version"]})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    // …while renaming a file onto another's identity is.
    let paul = created(
        sec.post("/api/v1/students", &json!({"first_name": "Paul", "last_name": "Roux", "birth_date": "2001-03-04"}))
            .await,
    )
    .await;
    let r = sec
        .patch(
            &format!("/api/v1/students/{}", id(&paul)),
            &json!({"first_name": "Éloïse", "last_name": "Lefèvre", "version": paul["version"]}),
        )
        .await;
    assert_eq!(problem(r, 409).await["conflicts"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_student_is_between_14_and_100_years_old_on_the_day_of_entry() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let today = chrono::Utc::now().date_naive();
    let years_ago = |years: i32| today.with_year(today.year() - years).unwrap_or(today);
    use chrono::Datelike;
    let guardian = json!({"last_name": "Parent", "phone": "0611223344"});
    let nine = sec
        .post(
            "/api/v1/students",
            &json!({"first_name": "Tom", "last_name": "Petit", "birth_date": years_ago(9), "guardian": guardian}),
        )
        .await;
    let body = problem(nine, 400).await;
    assert_eq!(body["errors"][0]["field"], "birth_date");
    assert_eq!(
        body["errors"][0]["message"],
        "L'élève aurait moins de 14 ans à son inscription : vérifiez la date de naissance."
    );
    let old = sec
        .post("/api/v1/students", &json!({"first_name": "Tom", "last_name": "Vieux", "birth_date": years_ago(101)}))
        .await;
    assert_eq!(problem(old, 400).await["errors"][0]["field"], "birth_date");
    created(
        sec.post(
            "/api/v1/students",
            &json!({"first_name": "Tom", "last_name": "Jeune", "birth_date": years_ago(14), "guardian": guardian}),
        )
        .await,
    )
    .await;
    created(
        sec.post("/api/v1/students", &json!({"first_name": "Tom", "last_name": "Doyen", "birth_date": years_ago(100)}))
            .await,
    )
    .await;
}

#[tokio::test]
async fn an_end_reason_on_a_file_that_is_not_finished_is_a_400_not_a_500() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let r = sec
        .post(
            "/api/v1/students",
            &json!({"first_name": "Lina", "last_name": "Fin", "birth_date": "2000-01-01", "end_reason": "abandoned"}),
        )
        .await;
    let body = problem(r, 400).await;
    assert_eq!(body["errors"][0]["field"], "end_reason");
    assert_eq!(body["errors"][0]["message"], "La raison de fin ne s'applique qu'à un dossier terminé.");
}

/// The safety net: a check constraint that reaches the error type is a 400 naming no
/// constraint, for every check constraint of the schema, and for a real violation.
#[tokio::test]
async fn every_check_constraint_of_the_schema_maps_to_a_400_that_names_no_constraint() {
    let app = spawn_app().await;
    let mut owner = app.owner_conn().await;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT c.conname::text FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
          WHERE c.contype = 'c' AND n.nspname = 'public' ORDER BY 1",
    )
    .fetch_all(&mut owner)
    .await
    .unwrap();
    assert!(names.len() > 50, "the schema's check constraints: {}", names.len());
    let mut conn = PgConnection::connect_with(&app.db.app).await.unwrap();
    for name in &names {
        // PostgreSQL raises the very error a violation of `name` raises: SQLSTATE 23514 with
        // the constraint's name in its fields.
        let sql = format!(
            "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = '{name}', \
             MESSAGE = 'new row violates check constraint \"{name}\"'; END $$"
        );
        let err = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap_err();
        assert_eq!(err.as_database_error().and_then(|d| d.constraint()), Some(name.as_str()));
        assert_check_is_a_clean_400(AppError::from(err), name);
    }
    // And a real violation, through the application role under row-level security.
    let schools = app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let lina = created(
        sec.post(
            "/api/v1/students",
            &json!({"first_name": "Lina", "last_name": "Contrainte", "birth_date": "2000-01-01"}),
        )
        .await,
    )
    .await;
    let mut tx = volant::db::begin_tenant(&app.pool, schools.a).await.unwrap();
    let err = sqlx::query("UPDATE students SET end_reason = 'abandoned' WHERE id = $1::uuid")
        .bind(id(&lina))
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_check_is_a_clean_400(AppError::from(err), "students_end_reason_when_finished");
}

fn assert_check_is_a_clean_400(e: AppError, name: &str) {
    assert_eq!(e.status(), 400, "{name}");
    let AppError::BadRequest { detail, errors } = &e else { panic!("{name}: {e:?}") };
    assert!(!detail.contains(name) && errors.iter().all(|f| !f.message.contains(name)), "{name}: {detail}");
}

#[tokio::test]
async fn a_deadlock_is_retried_and_never_answered_500() {
    let app = spawn_app().await;
    let s = app.seed_schools().await;
    let tenants = [s.a.0, s.b.0];
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // Two transactions lock the same two rows in opposite orders: PostgreSQL aborts one of
    // them with 40P01. `retrying` runs the aborted one again, and both succeed.
    let run = |first: usize| {
        let (options, attempts) = (app.db.owner.clone(), attempts.clone());
        async move {
            retrying(|| {
                let (options, attempts) = (options.clone(), attempts.clone());
                async move {
                    attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let mut conn = PgConnection::connect_with(&options).await.map_err(AppError::from)?;
                    let mut tx = conn.begin().await?;
                    for t in [tenants[first], tenants[1 - first]] {
                        sqlx::query("SELECT id FROM tenants WHERE id = $1 FOR UPDATE")
                            .bind(t)
                            .execute(&mut *tx)
                            .await?;
                        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                    }
                    tx.commit().await?;
                    Ok::<_, AppError>(())
                }
            })
            .await
        }
    };
    let (a, b) = tokio::join!(run(0), run(1));
    assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");
    assert!(attempts.load(std::sync::atomic::Ordering::SeqCst) >= 3, "one transaction was retried");
}

#[tokio::test]
async fn a_deadlock_or_serialisation_failure_is_the_retryable_contention_error() {
    let app = spawn_app().await;
    let mut conn = PgConnection::connect_with(&app.db.app).await.unwrap();
    for code in ["deadlock_detected", "serialization_failure"] {
        let sql = format!("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '{code}'; END $$");
        let err = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap_err();
        let e = AppError::from(err);
        assert!(matches!(e, AppError::Contention), "{code}: {e:?}");
        assert_eq!(e.status(), 409);
    }
}

#[tokio::test]
async fn a_student_reads_their_lessons_without_the_office_internals() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let f = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let path = format!("/api/v1/lessons/{}", f.lesson);
    let lesson = admin.json(&path).await;
    let r = admin
        .patch(&path, &json!({"note": "Paiement en retard : voir avec l'élève", "version": lesson["version"]}))
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let office = admin.json(&path).await;
    assert!(!office["warnings"].as_array().unwrap().is_empty(), "the fixture lesson has warnings: {office}");
    assert!(office["note"].is_string());
    // A code session the student shares with another student.
    let other = created(
        admin
            .post(
                "/api/v1/students",
                &json!({"first_name": "Autre", "last_name": "Candidat", "birth_date": "2000-01-01"}),
            )
            .await,
    )
    .await;
    let start = chrono::Utc::now() + chrono::Duration::days(5);
    let code = created(
        admin
            .post(
                "/api/v1/lessons",
                &json!({"kind": "code", "starts_at": start, "ends_at": start + chrono::Duration::hours(2),
                        "attendee_ids": [f.student, id(&other)], "capacity": 10, "note": "Salle à réserver"}),
            )
            .await,
    )
    .await;
    let code_id = code["lesson"]["id"].as_str().unwrap().to_owned();
    assert_eq!(admin.json(&format!("/api/v1/lessons/{code_id}")).await["attendee_ids"].as_array().unwrap().len(), 2);

    let student = app.login_as(Role::Student, 'a').await;
    let from = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let to = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let window = student.json(&format!("/api/v1/lessons?from={}&to={}", urlencode(&from), urlencode(&to))).await;
    let items = window["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{window}");
    let one = student.json(&path).await;
    let code_seen = student.json(&format!("/api/v1/lessons/{code_id}")).await;
    for seen in items.iter().chain([&one, &code_seen]) {
        assert_eq!(seen["warnings"], json!([]), "no warnings for a student: {seen}");
        assert!(seen["note"].is_null(), "no internal note for a student: {seen}");
        assert_eq!(seen["charged"], json!(false));
        let attendees = seen["attendee_ids"].as_array().unwrap();
        assert!(attendees.iter().all(|a| a == &json!(f.student)), "only themself among attendees: {seen}");
    }
    assert_eq!(code_seen["attendee_ids"], json!([f.student]));
    // The file's history says when each lesson takes place, not only that one was planned.
    let history = admin.json(&format!("/api/v1/students/{}/history", f.student)).await;
    let planned: Vec<&Value> =
        history["items"].as_array().unwrap().iter().filter(|i| i["action"] == "lesson.create").collect();
    assert!(!planned.is_empty() && planned.iter().all(|i| i["lesson_starts_at"].is_string()), "{history}");
    let seen_at: chrono::DateTime<chrono::Utc> = one["starts_at"].as_str().unwrap().parse().unwrap();
    assert!(
        planned.iter().any(|i| i["lesson_starts_at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
            == seen_at)
    );
    // The instructor of the lesson still reads everything.
    let instructor = app.login_as(Role::Instructor, 'a').await;
    let theirs = instructor.json(&path).await;
    assert_eq!(theirs["warnings"], office["warnings"]);
    assert_eq!(theirs["note"], office["note"]);
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}
