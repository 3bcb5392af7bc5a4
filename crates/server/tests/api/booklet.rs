//! The learning booklet: reference, evaluations (alone and with a completed lesson), history,
//! progress, assessments.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

#[tokio::test]
async fn the_reference_has_32_items_in_4_competencies() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let api = app.login_as(Role::Student, 'a').await;
    let r = api.json("/api/v1/competencies").await;
    assert_eq!(r["reference"], "REMC permis B");
    let comps = r["competencies"].as_array().unwrap();
    assert_eq!(comps.iter().map(|c| c["code"].as_str().unwrap()).collect::<Vec<_>>(), vec!["C1", "C2", "C3", "C4"]);
    assert_eq!(comps.iter().map(|c| c["items"].as_array().unwrap().len()).sum::<usize>(), 32);
    assert_eq!(comps[3]["items"][6]["code"], "C4.7");
}

#[tokio::test]
async fn levels_keep_their_history_and_progress_follows_the_latest() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let teacher = app.login_as(Role::Instructor, 'a').await;
    let path = format!("/api/v1/students/{}/booklet/evaluations", fx.student);
    for level in ["aborde", "traite", "assimile"] {
        let r = teacher.post(&path, &json!({"item_code": "C1.1", "level": level})).await;
        assert_eq!(r.status(), 201);
    }
    let bad = teacher.post(&path, &json!({"item_code": "C9.9", "level": "traite"})).await;
    assert_eq!(problem(bad, 400).await["errors"][0]["field"], "evaluations[0].item_code");
    let bad = teacher.post(&path, &json!({"item_code": "C1.2", "level": "excellent"})).await;
    assert_eq!(problem(bad, 400).await["errors"][0]["field"], "level");
    let b = teacher.json(&format!("/api/v1/students/{}/booklet", fx.student)).await;
    let item = &b["competencies"][0]["items"][0];
    assert_eq!(item["level"], "assimile");
    assert_eq!(item["history"].as_array().unwrap().len(), 3);
    assert_eq!(item["history"][2]["level"], "aborde");
    assert_eq!(b["competencies"][0]["progress"], 11, "3 of 27 index points in C1");
    assert_eq!(b["progress"], 3, "3 of 96 overall");
    assert_eq!(b["acquired"], 1);
    assert_eq!(b["labels"][3]["label"], "assimilé");
    // The office imports levels only as a transfer from another school.
    let sec = app.login_as(Role::Secretary, 'a').await;
    let r = sec.post(&path, &json!({"item_code": "C2.1", "level": "traite"})).await;
    problem(r, 422).await;
    let r = sec.post(&path, &json!({"item_code": "C2.1", "level": "traite", "source": "transfer_in"})).await;
    assert_eq!(r.status(), 201);
    // The student reads their own booklet, and cannot write it.
    let me = app.login_as(Role::Student, 'a').await;
    assert_eq!(me.json(&format!("/api/v1/students/{}/booklet", fx.student)).await["acquired"], 1);
    problem(me.post(&path, &json!({"item_code": "C2.2", "level": "assimile"})).await, 403).await;
}

#[tokio::test]
async fn completing_a_lesson_with_evaluations_is_all_or_nothing() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let t = Utc::now() - Duration::hours(3);
    let body = json!({"kind": "driving", "starts_at": t, "ends_at": t + Duration::hours(1), "student_id": fx.student,
                      "instructor_id": fx.instructor, "vehicle_id": fx.vehicle});
    let r = admin.post("/api/v1/lessons", &body).await;
    assert_eq!(r.status(), 201);
    let lesson: Value = r.json().await.unwrap();
    let complete = format!("/api/v1/lessons/{}/complete", lesson["lesson"]["id"].as_str().unwrap());
    let teacher = app.login_as(Role::Instructor, 'a').await;
    let bad = json!({"comment": "Bien", "evaluations": [{"item_code": "C1.3", "level": "traite"}, {"item_code": "C7.1", "level": "aborde"}]});
    assert_eq!(
        problem(teacher.post(&complete, &bad).await, 400).await["errors"][0]["field"],
        "evaluations[1].item_code"
    );
    let still: Value = teacher.json(&format!("/api/v1/lessons/{}", lesson["lesson"]["id"].as_str().unwrap())).await;
    assert_eq!(still["status"], "planned", "nothing written");
    let b = teacher.json(&format!("/api/v1/students/{}/booklet", fx.student)).await;
    assert_eq!(b["progress"], 0);
    let good = json!({"comment": "Bien", "evaluations": [{"item_code": "C1.3", "level": "traite"}, {"item_code": "C1.4", "level": "assimile"}]});
    let r = teacher.post(&complete, &good).await;
    assert_eq!(r.status(), 200);
    let b = teacher.json(&format!("/api/v1/students/{}/booklet", fx.student)).await;
    let items = b["competencies"][0]["items"].as_array().unwrap();
    assert_eq!(items[2]["level"], "traite");
    assert_eq!(items[3]["history"][0]["lesson_id"], lesson["lesson"]["id"]);
    assert_eq!(items[3]["history"][0]["instructor_id"], fx.instructor.as_str());
    assert_eq!(b["acquired"], 1);
}

#[tokio::test]
async fn assessments_are_recorded() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let teacher = app.login_as(Role::Instructor, 'a').await;
    let path = format!("/api/v1/students/{}/booklet/assessments", fx.student);
    let r = teacher.post(&path, &json!({"kind": "bilan", "date": "2026-11-20", "result": "Favorable", "comment": "Prêt pour la conduite en ville"})).await;
    assert_eq!(r.status(), 201);
    let r = teacher.post(&path, &json!({"kind": "affi", "date": "2026-11-21"})).await;
    assert_eq!(r.status(), 201);
    problem(teacher.post(&path, &json!({"kind": "examen", "date": "2026-11-21"})).await, 400).await;
    let b = teacher.json(&format!("/api/v1/students/{}/booklet", fx.student)).await;
    assert_eq!(b["assessments"].as_array().unwrap().len(), 2);
    assert_eq!(b["assessments"][0]["instructor_id"], fx.instructor.as_str());
}

#[tokio::test]
async fn the_booklet_pdf_reads_back_with_the_student_codes_and_levels() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let teacher = app.login_as(Role::Instructor, 'a').await;
    let path = format!("/api/v1/students/{}/booklet/evaluations", fx.student);
    teacher.post(&path, &json!({"item_code": "C1.4", "level": "assimile"})).await;
    teacher.post(&path, &json!({"item_code": "C3.2", "level": "traite"})).await;
    let me = app.login_as(Role::Student, 'a').await;
    let r = me.get(&format!("/api/v1/students/{}/booklet.pdf", fx.student)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = std::env::temp_dir().join(format!("volant-pdf-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("livret.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is needed to read PDFs back");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Léa"), "{text}");
    assert!(text.contains("123456789012"), "the NEPH: {text}");
    for code in ["C1", "C2", "C3", "C4", "C1.4", "C4.7"] {
        assert!(text.contains(code), "{code} missing: {text}");
    }
    assert!(text.contains("assimilé") && text.contains("traité") && text.contains("non abordé"), "{text}");
    assert!(text.contains("Page 1 sur"), "page numbers: {text}");
    let _ = std::fs::remove_dir_all(dir);
    problem(
        app.login_as(Role::Student, 'b').await.get(&format!("/api/v1/students/{}/booklet.pdf", fx.student)).await,
        404,
    )
    .await;
}
