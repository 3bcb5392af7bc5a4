//! Student files: validation, statuses, ledger, search, documents, roles, erasure, history.

use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

async fn create(api: &Api, body: Value) -> Value {
    let r = api.post("/api/v1/students", &body).await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    r.json().await.unwrap()
}

fn adult(first: &str, last: &str) -> Value {
    json!({"first_name": first, "last_name": last, "birth_date": "1999-04-12"})
}

#[tokio::test]
async fn an_invalid_file_is_refused_field_by_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let r = sec
        .post(
            "/api/v1/students",
            &json!({"first_name": "Tom", "last_name": "Petit", "birth_date": "2000-01-01",
                                         "neph": "12345", "email": "pas-une-adresse", "phone": "12"}),
        )
        .await;
    let body = problem(r, 400).await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["email", "phone", "neph"]);
    assert_eq!(body["errors"][2]["message"], "Le NEPH doit comporter exactement 12 chiffres.");
    let missing = sec.post("/api/v1/students", &json!({"first_name": "Tom", "last_name": "Petit"})).await;
    assert_eq!(problem(missing, 400).await["errors"][0]["field"], "birth_date");
    let future = sec
        .post("/api/v1/students", &json!({"first_name": "Tom", "last_name": "Petit", "birth_date": "2099-01-01"}))
        .await;
    assert_eq!(problem(future, 400).await["errors"][0]["field"], "birth_date");
    let minor = sec
        .post("/api/v1/students", &json!({"first_name": "Tom", "last_name": "Petit", "birth_date": "2010-01-01"}))
        .await;
    assert_eq!(problem(minor, 400).await["errors"][0]["field"], "guardian");
    assert_eq!(sec.json("/api/v1/students").await["items"].as_array().unwrap().len(), 0, "nothing saved");
    let ok = create(&sec, json!({"first_name": "Tom", "last_name": "Petit", "birth_date": "2010-01-01", "neph": "1234 5678 9012",
                                 "phone": "+33 6 12 34 56 78", "guardian": {"last_name": "Petit", "phone": "0611223344"}})).await;
    assert_eq!(ok["status"], "active");
    assert_eq!(ok["neph"], "123456789012");
    assert_eq!(ok["phone"], "06 12 34 56 78");
    assert_eq!(ok["guardian"]["phone"], "06 11 22 33 44");
    assert_eq!(
        (ok["category"].as_str(), ok["training_mode"].as_str(), ok["funding"].as_str()),
        (Some("B"), Some("traditional"), Some("personal"))
    );
}

#[tokio::test]
async fn every_status_transition_allowed_and_refused() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let mut body = adult("Paul", "Prospect");
    body["status"] = json!("prospect");
    let s = create(&sec, body).await;
    let path = format!("/api/v1/students/{}", s["id"].as_str().unwrap());
    let mut version = s["version"].as_i64().unwrap();
    let patch = |changes: Value, version: i64| {
        let mut c = changes;
        c["version"] = json!(version);
        c
    };
    // prospect → finished: refused.
    let r = sec.patch(&path, &patch(json!({"status": "finished", "end_reason": "abandoned"}), version)).await;
    assert_eq!(problem(r, 422).await["rules"][0]["code"], "status_transition");
    // prospect → active → finished (needs a reason) → active.
    let r = sec.patch(&path, &patch(json!({"status": "active"}), version)).await;
    assert_eq!(r.status(), 200);
    version += 1;
    let r = sec.patch(&path, &patch(json!({"status": "finished"}), version)).await;
    assert_eq!(problem(r, 422).await["rules"][0]["code"], "end_reason");
    let r = sec.patch(&path, &patch(json!({"status": "finished", "end_reason": "licence_obtained"}), version)).await;
    assert_eq!(r.status(), 200);
    version += 1;
    let r = sec.patch(&path, &patch(json!({"status": "prospect"}), version)).await;
    problem(r, 422).await;
    let r = sec.patch(&path, &patch(json!({"status": "archived"}), version)).await;
    problem(r, 422).await;
    let r = sec.patch(&path, &patch(json!({"status": "active"}), version)).await;
    assert_eq!(r.status(), 200);
    let reopened: Value = r.json().await.unwrap();
    assert!(reopened["end_reason"].is_null(), "reopening drops the end reason");
    version += 1;
    // archive hides, restore gives back the status before.
    let r = sec.post(&format!("{path}/archive"), &json!({})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "archived");
    assert!(
        sec.json("/api/v1/students").await["items"].as_array().unwrap().is_empty(),
        "archived files leave daily lists"
    );
    assert_eq!(sec.json("/api/v1/students?status=archived").await["items"].as_array().unwrap().len(), 1);
    problem(sec.post(&format!("{path}/archive"), &json!({})).await, 422).await;
    let r = sec.send(reqwest::Method::POST, &format!("{path}/restore"), None).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "active");
    let stale = sec.patch(&path, &patch(json!({"notes": "x"}), version)).await;
    assert_eq!(problem(stale, 412).await["current"]["status"], "active");
    let history = sec.json(&format!("{path}/history")).await;
    let actions: Vec<&str> =
        history["items"].as_array().unwrap().iter().map(|i| i["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        vec![
            "student.restore",
            "student.archive",
            "student.status",
            "student.status",
            "student.status",
            "student.create"
        ]
    );
    assert_eq!(history["items"][5]["label"], "Création du dossier");
}

#[tokio::test]
async fn the_ledger_adds_up_and_parallel_postings_lose_nothing() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let s = create(&sec, adult("Inès", "Compte")).await;
    let hours = format!("/api/v1/students/{}/hours", s["id"].as_str().unwrap());
    assert_eq!(sec.post(&hours, &json!({"kind": "purchase", "minutes": 1200})).await.status(), 201);
    assert_eq!(
        sec.post(&hours, &json!({"kind": "transfer_in", "minutes": 300, "reason": "Auto-école précédente"}))
            .await
            .status(),
        201
    );
    assert_eq!(
        sec.post(&hours, &json!({"kind": "correction", "minutes": -90, "reason": "Erreur de saisie"})).await.status(),
        201
    );
    let e = sec.post(&hours, &json!({"kind": "correction", "minutes": -30})).await;
    assert_eq!(problem(e, 400).await["errors"][0]["field"], "reason");
    let e = sec.post(&hours, &json!({"kind": "consumption", "minutes": -60})).await;
    assert_eq!(problem(e, 400).await["errors"][0]["field"], "kind");
    let e = sec.post(&hours, &json!({"kind": "purchase", "minutes": -60})).await;
    assert_eq!(problem(e, 400).await["errors"][0]["field"], "minutes");
    let h = sec.json(&hours).await;
    assert_eq!(h["purchased_minutes"], 1500);
    assert_eq!(h["consumed_minutes"], 0);
    assert_eq!(h["remaining_minutes"], 1410);
    assert_eq!(h["bookable_minutes"], 1410);
    assert_eq!(h["entries"].as_array().unwrap().len(), 3);
    // 20 postings at once: every one is kept.
    let body = json!({"kind": "purchase", "minutes": 60});
    let posts = (0..20).map(|_| sec.post(&hours, &body));
    for r in futures::future::join_all(posts).await {
        assert_eq!(r.status(), 201);
    }
    let h = sec.json(&hours).await;
    assert_eq!(h["remaining_minutes"], 1410 + 20 * 60);
    assert_eq!(h["entries"].as_array().unwrap().len(), 23);
    let file = sec.json(&format!("/api/v1/students/{}", s["id"].as_str().unwrap())).await;
    assert_eq!(file["remaining_minutes"], 2610);
    // The ledger is append-only for the application role.
    let mut tx = volant::db::begin_tenant(&app.pool, app.seed_tenant("ecole-a").await).await.unwrap();
    let err = sqlx::query("UPDATE hours_ledger SET minutes = 1").execute(&mut *tx).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"));
}

#[tokio::test]
async fn search_matches_word_starts_in_any_order_ignoring_case_and_accents() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    create(&sec, json!({"first_name": "Éloïse", "last_name": "Ménard", "birth_date": "2001-02-03", "email": "eloise.m@exemple.fr",
                       "phone": "06 12 34 56 78", "neph": "120456789012"})).await;
    create(&sec, json!({"first_name": "Éloi", "last_name": "Martin", "birth_date": "2001-02-03"})).await;
    create(&sec, adult("Marc", "Menhir")).await;
    let names = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{} {}", s["first_name"].as_str().unwrap(), s["last_name"].as_str().unwrap()))
            .collect()
    };
    assert_eq!(names(sec.json("/api/v1/students?q=eloise%20men").await), vec!["Éloïse Ménard"]);
    assert_eq!(names(sec.json("/api/v1/students?q=MEN%20%C3%A9lo").await), vec!["Éloïse Ménard"]);
    assert_eq!(names(sec.json("/api/v1/students?q=elo").await), vec!["Éloi Martin", "Éloïse Ménard"]);
    assert_eq!(names(sec.json("/api/v1/students?q=men").await), vec!["Éloïse Ménard", "Marc Menhir"]);
    assert_eq!(names(sec.json("/api/v1/students?q=0612").await), vec!["Éloïse Ménard"]);
    assert_eq!(names(sec.json("/api/v1/students?q=06%2012").await), vec!["Éloïse Ménard"]);
    assert_eq!(names(sec.json("/api/v1/students?q=1204").await), vec!["Éloïse Ménard"]);
    assert_eq!(names(sec.json("/api/v1/students?q=exemple").await), vec!["Éloïse Ménard"]);
    assert!(names(sec.json("/api/v1/students?q=eloisex").await).is_empty());
    assert!(
        names(sec.json("/api/v1/students?q=%27%3B%20drop%20table").await).is_empty(),
        "hostile input is just words"
    );
    let page1 = sec.json("/api/v1/students?limit=2").await;
    assert_eq!(page1["items"].as_array().unwrap().len(), 2);
    let page2 = sec.json(&format!("/api/v1/students?limit=2&cursor={}", page1["next_cursor"].as_str().unwrap())).await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert!(page2["next_cursor"].is_null());
}

#[tokio::test]
async fn documents_are_sniffed_replaced_downloaded_and_checked_by_age() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let minor = create(
        &sec,
        json!({"first_name": "Nina", "last_name": "Jeune", "birth_date": "2010-06-01",
                                    "guardian": {"last_name": "Jeune", "email": "parent@exemple.fr"}}),
    )
    .await;
    let id = minor["id"].as_str().unwrap();
    let exe = upload(&sec, id, "id_card", "carte.pdf", b"MZ\x90\x00\x03 renamed executable", &[]).await;
    assert_eq!(problem(exe, 400).await["errors"][0]["field"], "file");
    let bad_kind = upload(&sec, id, "passport", "p.pdf", b"%PDF-1.4", &[]).await;
    assert_eq!(problem(bad_kind, 400).await["errors"][0]["field"], "kind");
    let first = upload(&sec, id, "id_card", "carte.pdf", b"%PDF-1.4 first", &[("expires_on", "2030-01-01")]).await;
    assert_eq!(first.status(), 201);
    let second =
        upload(&sec, id, "id_card", "carte-2.png", b"\x89PNG\r\n\x1a\nsecond", &[("expires_on", "2031-01-01")]).await;
    assert_eq!(second.status(), 201);
    let second: Value = second.json().await.unwrap();
    assert_eq!(second["content_type"], "image/png");
    let docs = sec.json(&format!("/api/v1/students/{id}/documents")).await;
    assert_eq!(docs["items"].as_array().unwrap().len(), 2);
    assert!(docs["items"][1]["replaced_at"].is_string(), "the older one is replaced");
    let status_of = |kind: &str| {
        docs["checklist"].as_array().unwrap().iter().find(|c| c["kind"] == kind).unwrap()["status"].clone()
    };
    assert_eq!(status_of("id_card"), "ok");
    assert_eq!(status_of("assr2"), "missing");
    assert_eq!(status_of("guardian_id"), "missing");
    assert_eq!(status_of("jdc"), "not_required", "under 17");
    let adult_file = create(&sec, json!({"first_name": "Max", "last_name": "Grand", "birth_date": "1990-06-01"})).await;
    let adult_docs = sec.json(&format!("/api/v1/students/{}/documents", adult_file["id"].as_str().unwrap())).await;
    let adult_status = |kind: &str| {
        adult_docs["checklist"].as_array().unwrap().iter().find(|c| c["kind"] == kind).unwrap()["status"].clone()
    };
    assert_eq!(adult_status("assr2"), "not_required");
    assert_eq!(adult_status("jdc"), "not_required");
    assert_eq!(adult_status("guardian_id"), "not_required");
    let file = sec.get(&format!("/api/v1/students/{id}/documents/{}/file", second["id"].as_str().unwrap())).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/png");
    assert!(file.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"\x89PNG\r\n\x1a\nsecond");
    let json_instead = sec.post(&format!("/api/v1/students/{id}/documents"), &json!({"kind": "id_card"})).await;
    problem(json_instead, 415).await;
}

#[tokio::test]
async fn instructors_see_their_students_and_students_their_own_file() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let other = create(&sec, adult("Zoé", "Autre")).await;
    let other_id = other["id"].as_str().unwrap();
    let teacher = app.login_as(Role::Instructor, 'a').await;
    let list = teacher.json("/api/v1/students").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], fx.student.as_str());
    problem(teacher.get(&format!("/api/v1/students/{other_id}")).await, 404).await;
    assert_eq!(teacher.get(&format!("/api/v1/students/{}/hours", fx.student)).await.status(), 200);
    problem(teacher.get(&format!("/api/v1/students/{}/documents", fx.student)).await, 403).await;
    let me = app.login_as(Role::Student, 'a').await;
    assert_eq!(me.json("/api/v1/me").await["student_id"], fx.student.as_str());
    let mine = me.json("/api/v1/students").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    problem(me.get(&format!("/api/v1/students/{other_id}")).await, 404).await;
    let up = upload(
        &me,
        &fx.student,
        "proof_of_address",
        "facture.pdf",
        b"%PDF-1.5 facture",
        &[("issued_on", "2026-11-01")],
    )
    .await;
    assert_eq!(up.status(), 201, "a student uploads their own documents");
    problem(upload(&me, other_id, "proof_of_address", "f.pdf", b"%PDF-1.5", &[]).await, 404).await;
    problem(
        me.post(&format!("/api/v1/students/{}/hours", fx.student), &json!({"kind": "purchase", "minutes": 600})).await,
        403,
    )
    .await;
    // The student sees their referent's name, nothing more.
    let instructors = me.json("/api/v1/instructors").await;
    assert_eq!(instructors["items"].as_array().unwrap().len(), 1);
    assert!(instructors["items"][0]["email"].is_null());
}

#[tokio::test]
async fn gdpr_erasure_anonymises_and_keeps_the_ledger_and_the_chain() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    let s = create(&admin, json!({"first_name": "Chloé", "last_name": "Secret", "birth_date": "1995-07-14", "email": "chloe@exemple.fr", "neph": "111122223333"})).await;
    let id = s["id"].as_str().unwrap();
    admin.post(&format!("/api/v1/students/{id}/hours"), &json!({"kind": "purchase", "minutes": 600})).await;
    upload(&admin, id, "id_card", "id.pdf", b"%PDF-1.4 secret", &[]).await;
    problem(
        app.login_as(Role::Secretary, 'a').await.post(&format!("/api/v1/students/{id}/erase"), &json!({})).await,
        403,
    )
    .await;
    let r = admin.post(&format!("/api/v1/students/{id}/erase"), &json!({})).await;
    assert_eq!(r.status(), 200);
    let erased: Value = r.json().await.unwrap();
    assert_eq!(erased["first_name"], "Anonyme");
    assert!(erased["email"].is_null() && erased["neph"].is_null());
    assert_eq!(erased["birth_date"], "1995-01-01");
    assert_eq!(erased["status"], "archived");
    assert_eq!(admin.json(&format!("/api/v1/students/{id}/hours")).await["remaining_minutes"], 600, "the ledger stays");
    let log = admin.json(&format!("/api/v1/audit-log?entity_id={id}&action=student.create")).await;
    assert!(log["items"][0]["after"].is_null(), "payload erased");
    let dump = admin.json(&format!("/api/v1/audit-log?entity_id={id}&limit=200")).await.to_string();
    assert!(!dump.contains("Secret") && !dump.contains("chloe@"), "no personal data left in the log");
    assert_eq!(admin.json("/api/v1/audit-log/verify").await["ok"], true);
    let docs = admin.json(&format!("/api/v1/students/{id}/documents")).await;
    let doc = docs["items"][0]["id"].as_str().unwrap();
    problem(admin.get(&format!("/api/v1/students/{id}/documents/{doc}/file")).await, 404).await;
    assert!(admin.json("/api/v1/students?q=secret").await["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_student_invited_from_the_file_gets_their_own_space() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let s = create(
        &sec,
        json!({"first_name": "Hugo", "last_name": "Invité", "birth_date": "2002-03-03", "email": "hugo@exemple.fr"}),
    )
    .await;
    let id = s["id"].as_str().unwrap();
    assert_eq!(sec.post(&format!("/api/v1/students/{id}/invite"), &json!({})).await.status(), 201);
    let mail = app.smtp.wait_for("invitation?token=").await;
    let token = link_in(&mail, &app.base).split("token=").nth(1).unwrap().trim().to_owned();
    let guest = app.anonymous();
    let r =
        guest.post("/api/v1/invitations/accept", &json!({"token": token, "password": "le-mot-de-passe-de-hugo"})).await;
    assert_eq!(r.status(), 200);
    let session: Value = r.json().await.unwrap();
    assert_eq!(session["role"], "STUDENT");
    assert_eq!(session["student_id"], id);
    assert_eq!(guest.json(&format!("/api/v1/students/{id}")).await["last_name"], "Invité");
    problem(sec.post(&format!("/api/v1/students/{id}/invite"), &json!({})).await, 422).await;
}

#[tokio::test]
async fn an_instructor_also_sees_the_students_they_have_a_lesson_with() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fx = app.fixtures('a').await;
    let sec = app.login_as(Role::Secretary, 'a').await;
    let other = create(
        &sec,
        json!({"first_name": "Paul", "last_name": "Passager", "birth_date": "2000-01-01", "ants_status": "validated"}),
    )
    .await;
    let teacher = app.login_as(Role::Instructor, 'a').await;
    problem(teacher.get(&format!("/api/v1/students/{}", other["id"].as_str().unwrap())).await, 404).await;
    let t = chrono::Utc::now() + chrono::Duration::days(8);
    let lesson = json!({"kind": "driving", "starts_at": t, "ends_at": t + chrono::Duration::hours(1), "student_id": other["id"],
                        "instructor_id": fx.instructor, "vehicle_id": fx.vehicle});
    assert_eq!(sec.post("/api/v1/lessons", &lesson).await.status(), 201);
    assert_eq!(teacher.get(&format!("/api/v1/students/{}", other["id"].as_str().unwrap())).await.status(), 200);
    assert_eq!(teacher.json("/api/v1/students").await["items"].as_array().unwrap().len(), 2);
}
