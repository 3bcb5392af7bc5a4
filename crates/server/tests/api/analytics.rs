//! Analytics on a hand-built school: every figure computed by hand below, the month's
//! boundaries taken in the school's time zone (a lesson at 23:30 on the last day of March is
//! March's, one at 00:30 on the first of April is April's though it is still 31 March in UTC).

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

fn paris(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Paris.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

/// The school: two instructors (Julien linked to the INSTRUCTOR account), three students, their
/// lessons and tests of February to April 2026, written as the database holds them.
async fn hand_built_school(app: &TestApp) -> (Api, [String; 2], [String; 3]) {
    let schools = app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let users = admin.json("/api/v1/users?role=INSTRUCTOR").await;
    let instructor_user = users["items"][0]["id"].as_str().unwrap().to_owned();
    let julien = id(&created(
        admin
            .post(
                "/api/v1/instructors",
                &json!({"first_name": "Julien", "last_name": "Arnaud", "user_id": instructor_user}),
            )
            .await,
    )
    .await);
    let sophie =
        id(&created(admin.post("/api/v1/instructors", &json!({"first_name": "Sophie", "last_name": "Bernard"})).await)
            .await);
    let mut students = vec![];
    for (name, status) in [("Un", "active"), ("Deux", "prospect"), ("Trois", "active")] {
        let body = json!({"first_name": name, "last_name": "Élève", "birth_date": "2000-01-01", "status": status});
        students.push(id(&created(admin.post("/api/v1/students", &body).await).await));
    }
    let [s1, s2, s3] = [students[0].clone(), students[1].clone(), students[2].clone()];
    let t = schools.a.0;
    let mut sql = format!(
        "UPDATE students SET created_at = '{}' WHERE id IN ('{s1}', '{s2}');
         UPDATE students SET created_at = '{}' WHERE id = '{s3}';",
        paris(3, 2, 9, 0).to_rfc3339(),
        paris(2, 10, 9, 0).to_rfc3339()
    );
    let lessons = [
        (&s1, &julien, paris(3, 2, 10, 0), 60, "done", None),
        (&s1, &julien, paris(3, 3, 10, 0), 90, "done", None),
        (&s2, &julien, paris(3, 4, 10, 0), 60, "no_show", None),
        (&s2, &julien, paris(3, 5, 10, 0), 60, "cancelled", Some("student")),
        (&s1, &julien, paris(3, 31, 23, 30), 60, "done", None),
        (&s1, &julien, paris(4, 1, 0, 30), 60, "done", None),
        (&s3, &sophie, paris(3, 10, 14, 0), 120, "done", None),
    ];
    for (student, instructor, start, minutes, status, by) in lessons {
        let end = start + chrono::Duration::minutes(minutes);
        let by = by.map_or("NULL".to_owned(), |b| format!("'{b}'"));
        sql.push_str(&format!(
            "INSERT INTO lessons (tenant_id, id, kind, status, starts_at, ends_at, instructor_id, student_id, agency_id, cancelled_by)
             VALUES ('{t}', gen_random_uuid(), 'driving', '{status}', '{}', '{}', '{instructor}', '{student}',
                     (SELECT agency_id FROM students WHERE id = '{student}'), {by});",
            start.to_rfc3339(),
            end.to_rfc3339()
        ));
    }
    let exams = [
        (&s1, "theory", paris(2, 20, 9, 0), "failed", None),
        (&s1, "theory", paris(3, 6, 9, 0), "passed", None),
        (&s2, "theory", paris(3, 7, 9, 0), "failed", None),
        (&s1, "practical", paris(3, 20, 10, 0), "passed", Some(&julien)),
        (&s3, "practical", paris(3, 25, 10, 0), "failed", Some(&sophie)),
        (&s3, "practical", paris(3, 30, 10, 0), "absent", Some(&sophie)),
    ];
    for (student, kind, at, result, instructor) in exams {
        let instructor = instructor.map_or("NULL".to_owned(), |i| format!("'{i}'"));
        sql.push_str(&format!(
            "INSERT INTO exams (tenant_id, id, student_id, kind, scheduled_at, result, instructor_id)
             VALUES ('{t}', gen_random_uuid(), '{student}', '{kind}', '{}', '{result}', {instructor});",
            at.to_rfc3339()
        ));
    }
    as_owner_in(app, schools.a, &sql).await;
    (admin, [julien, sophie], [s1, s2, s3])
}

fn rate(v: &Value) -> (i64, i64, Option<i64>) {
    (v["attempts"].as_i64().unwrap(), v["passed"].as_i64().unwrap(), v["rate_bp"].as_i64())
}

#[tokio::test]
async fn every_figure_of_march_is_the_one_counted_by_hand() {
    let app = spawn_app().await;
    let (admin, [julien, sophie], [s1, _, _]) = hand_built_school(&app).await;
    let o = admin.json("/api/v1/analytics/overview?from=2026-03-01&to=2026-03-31").await;

    // Theory: Un's March pass was a second attempt; Deux failed a first one.
    assert_eq!(rate(&o["theory"]["first_attempt"]), (1, 0, Some(0)), "{o:#}");
    assert_eq!(rate(&o["theory"]["overall"]), (2, 1, Some(5_000)));
    // Practical: Un passed, Trois failed (her absence is no attempt).
    assert_eq!(rate(&o["practical"]["first_attempt"]), (2, 1, Some(5_000)));
    assert_eq!(rate(&o["practical"]["overall"]), (2, 1, Some(5_000)));
    // Before their first test: Un drove 60 + 90 min, Trois 120 min.
    assert_eq!(o["hours_to_first_practical"], json!({"students": 2, "average_minutes": 135}));

    // Six driving lessons started in March (school time): four done, one no-show, one cancelled.
    let a = &o["attendance"];
    assert_eq!((a["lessons"].as_i64(), a["done"].as_i64(), a["no_shows"].as_i64()), (Some(6), Some(4), Some(1)));
    assert_eq!((a["cancelled_by_student"].as_i64(), a["cancelled_by_school"].as_i64()), (Some(1), Some(0)));
    assert_eq!((a["cancellation_rate_bp"].as_i64(), a["no_show_rate_bp"].as_i64()), (Some(1_667), Some(2_000)));

    // Weeks from Monday, school time; 31 March 23:30 is in the week of 30 March.
    let weeks: Vec<(String, i64, i64, i64)> = o["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let m = |k: &str| w[k].as_i64().unwrap();
            (
                w["week_start"].as_str().unwrap().to_owned(),
                m("done_minutes"),
                m("no_show_minutes"),
                m("cancelled_minutes"),
            )
        })
        .collect();
    assert_eq!(
        weeks,
        [("2026-03-02".into(), 150, 60, 60), ("2026-03-09".into(), 120, 0, 0), ("2026-03-30".into(), 60, 0, 0)]
    );
    // Registered in March: Un (a student, licensed) and Deux (still a prospect).
    assert_eq!(o["funnel"], json!({"registered": 2, "became_students": 1, "licensed": 1}));

    // By instructor: Julien's busiest week has 210 min planned or done (the cancellation aside).
    let figures = admin.json("/api/v1/analytics/instructors?from=2026-03-01&to=2026-03-31").await;
    let of = |who: &str| figures.as_array().unwrap().iter().find(|f| f["instructor_id"] == who).unwrap().clone();
    let j = of(&julien);
    assert_eq!(
        (j["lessons_done"].as_i64(), j["minutes_done"].as_i64(), j["no_shows"].as_i64(), j["cancellations"].as_i64()),
        (Some(3), Some(210), Some(1), Some(1))
    );
    assert_eq!((j["busiest_week_minutes"].as_i64(), j["overbooked"].as_bool()), (Some(210), Some(false)));
    assert_eq!(rate(&j["practical_first_attempt"]), (1, 1, Some(10_000)));
    assert_eq!(rate(&of(&sophie)["practical_first_attempt"]), (1, 0, Some(0)));

    // The instructor sees their own figures only; a secretary none; another school's admin an empty school.
    let mine = app
        .login_as(Role::Instructor, 'a')
        .await
        .json("/api/v1/analytics/instructors?from=2026-03-01&to=2026-03-31")
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["instructor_id"], julien.as_str());
    let secretary = app.login_as(Role::Secretary, 'a').await;
    assert_eq!(secretary.get("/api/v1/analytics/overview").await.status(), 403);
    let other =
        app.login_as(Role::Admin, 'b').await.json("/api/v1/analytics/overview?from=2026-03-01&to=2026-03-31").await;
    assert_eq!(other["attendance"]["lessons"], 0);
    assert_eq!(other["practical"]["overall"]["attempts"], 0);
    // An agency filter with another school's agency finds nothing here.
    let agency_b = app.login_as(Role::Admin, 'b').await.json("/api/v1/agencies").await["items"][0]["id"].clone();
    let filtered = admin
        .json(&format!(
            "/api/v1/analytics/overview?from=2026-03-01&to=2026-03-31&agency_id={}",
            agency_b.as_str().unwrap()
        ))
        .await;
    assert_eq!(filtered["attendance"]["lessons"], 0);
    problem(admin.get("/api/v1/analytics/overview?from=2026-04-01&to=2026-03-01").await, 400).await;

    // Money of today: one sale, part of it paid.
    let product = id(&created(
        admin.post("/api/v1/products", &json!({"name": "Pack code", "kind": "code_pack", "price_cents": 3_000})).await,
    )
    .await);
    let sale = json!({"student_id": s1, "lines": [{"product_id": product}]});
    let invoice = created(admin.post("/api/v1/invoices", &sale).await).await;
    let pay = json!({"student_id": s1, "invoice_id": id(&invoice), "method": "cash", "amount_cents": 1_000});
    created(admin.post("/api/v1/payments", &pay).await).await;
    let today = Utc::now().with_timezone(&Paris).date_naive();
    let o = admin.json(&format!("/api/v1/analytics/overview?from={today}&to={today}")).await;
    assert_eq!(
        (o["revenue"]["invoiced_cents"].as_i64(), o["revenue"]["collected_cents"].as_i64()),
        (Some(3_000), Some(1_000))
    );
    assert_eq!(o["revenue"]["months"][0]["month"], today.format("%Y-%m").to_string());
}

#[tokio::test]
async fn the_payroll_and_exports_open_in_excel_with_the_expected_columns() {
    let app = spawn_app().await;
    let (admin, _, _) = hand_built_school(&app).await;
    let r = admin.get("/api/v1/payroll?month=2026-03").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = r.text().await.unwrap();
    assert_eq!(
        text,
        "\u{feff}moniteur;type;seances_faites;heures_faites;heures_absence_eleve\r\n\
         Arnaud Julien;conduite;3;3,50;1,00\r\n\
         Bernard Sophie;conduite;1;2,00;0,00\r\n"
    );
    // April starts at midnight school time: the 00:30 lesson of 1 April is April's.
    let april = admin.get("/api/v1/payroll?month=2026-04").await.text().await.unwrap();
    assert!(april.contains("Arnaud Julien;conduite;1;1,00;0,00"), "{april}");
    problem(admin.get("/api/v1/payroll?month=mars").await, 400).await;

    let weeks = admin.get("/api/v1/analytics/export.csv?report=weeks&from=2026-03-01&to=2026-03-31").await;
    let weeks = weeks.text().await.unwrap();
    let mut lines = weeks.lines();
    assert_eq!(lines.next(), Some("\u{feff}semaine_du;heures_faites;heures_prevues;heures_annulees;heures_absences"));
    assert_eq!(lines.next(), Some("02/03/2026;2,50;0,00;1,00;1,00"));
    let rates = admin.get("/api/v1/analytics/export.csv?report=pass_rates&from=2026-03-01&to=2026-03-31").await;
    assert!(rates.text().await.unwrap().contains("conduite;2;50,00;2;50,00"));
    problem(admin.get("/api/v1/analytics/export.csv?report=tout").await, 400).await;
    let instructor = app.login_as(Role::Instructor, 'a').await;
    assert_eq!(instructor.get("/api/v1/payroll?month=2026-03").await.status(), 403);
}
