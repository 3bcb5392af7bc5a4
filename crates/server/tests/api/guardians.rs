//! The GUARDIAN role: invited from a minor's file, a parent follows the child's training (and a
//! sibling's, switching between them), reads what the child reads and nothing else, in one school.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use volant_domain::role::Role;

use crate::helpers::*;

const PARENT: &str = "parent.petit@exemple.fr";

/// A minor's file in school `school` (16 years old), with no account.
async fn minor(office: &Api, first: &str) -> String {
    let birth = (Utc::now() - Duration::days(16 * 365)).date_naive();
    let body = json!({"first_name": first, "last_name": "Petit", "birth_date": birth, "ants_status": "validated",
                      "neph": format!("{:012}", 987_000_000_000u64 + u64::from(first.len() as u8)),
                      "guardian": {"last_name": "Petit", "first_name": "Anne", "email": PARENT}});
    id(&created(office.post("/api/v1/students", &body).await).await)
}

/// The invitation link's token of the mail about `child`.
async fn token_about(app: &TestApp, child: &str) -> String {
    let mail = app.smtp.wait_for(&format!("formation de {child} Petit")).await;
    link_in(&mail, &app.base).split("token=").nth(1).unwrap().trim().to_owned()
}

async fn plan(office: &Api, student: &str, f: &Fixtures, hours: i64) -> Value {
    let start = Utc::now() + Duration::hours(hours);
    let body = json!({"kind": "driving", "starts_at": start, "ends_at": start + Duration::hours(1),
                      "student_id": student, "instructor_id": f.instructor, "vehicle_id": f.vehicle});
    created(office.post("/api/v1/lessons", &body).await).await["lesson"].clone()
}

/// The lessons a caller sees in the next four days.
async fn lesson_ids(api: &Api) -> Vec<String> {
    let (from, to) = (Utc::now(), Utc::now() + Duration::days(4));
    let window = format!("from={}&to={}", from.to_rfc3339(), to.to_rfc3339()).replace('+', "%2B");
    let page = api.json(&format!("/api/v1/lessons?{window}")).await;
    page["items"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_parent_invited_for_two_children_follows_each_and_nothing_else() {
    let app = spawn_app().await;
    app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let f = app.fixtures('a').await;
    let office = app.login_as(Role::Secretary, 'a').await;
    let (tom, zoe) = (minor(&office, "Tom").await, minor(&office, "Zoé").await);

    // An adult's file is theirs alone; a minor's parent is invited from the file.
    let adult = problem(
        office.post(&format!("/api/v1/students/{}/guardians/invite", f.student), &json!({"email": PARENT})).await,
        422,
    )
    .await;
    assert_eq!(adult["rules"][0]["code"], "not_a_minor", "{adult}");
    let invite = format!("/api/v1/students/{tom}/guardians/invite");
    problem(office.post(&invite, &json!({"email": "pas-une-adresse"})).await, 400).await;
    let staff = problem(office.post(&invite, &json!({"email": "instructor@a.test"})).await, 422).await;
    assert_eq!(staff["rules"][0]["code"], "already_member", "{staff}");
    let inv = created(office.post(&invite, &json!({"email": PARENT})).await).await;
    assert_eq!(inv["role"], "GUARDIAN");
    let again = problem(office.post(&invite, &json!({"email": PARENT})).await, 422).await;
    assert_eq!(again["rules"][0]["code"], "already_guardian");
    let listed = office.json(&format!("/api/v1/students/{tom}/guardians")).await;
    assert_eq!(listed["items"][0]["status"], "invited", "{listed}");

    // The parent chooses a password and lands on Tom's space.
    let parent = app.anonymous();
    let token = token_about(&app, "Tom").await;
    let r = parent.post("/api/v1/invitations/accept", &json!({"token": token, "password": PASSWORD})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let parent = app.login(PARENT).await;
    let me = parent.json("/api/v1/me").await;
    assert_eq!((me["role"].as_str(), me["student_id"].as_str()), (Some("GUARDIAN"), Some(tom.as_str())), "{me}");
    let listed = office.json(&format!("/api/v1/students/{tom}/guardians")).await;
    assert_eq!(
        (listed["items"][0]["status"].as_str(), listed["items"][0]["email"].as_str()),
        (Some("active"), Some(PARENT))
    );

    // Zoé's invitation to the same address: the parent confirms with their own password.
    created(office.post(&format!("/api/v1/students/{zoe}/guardians/invite"), &json!({"email": PARENT})).await).await;
    let token = token_about(&app, "Zoé").await;
    let guest = app.anonymous();
    assert_eq!(guest.json(&format!("/api/v1/invitations/lookup?token={token}")).await["account_exists"], true);
    let r = guest.post("/api/v1/invitations/accept", &json!({"token": token, "password": PASSWORD})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let me = parent.json("/api/v1/me").await;
    let children: Vec<&str> =
        me["children"].as_array().unwrap().iter().map(|c| c["first_name"].as_str().unwrap()).collect();
    assert_eq!(children, ["Tom", "Zoé"], "{me}");

    // Each child's lessons, one at a time; the third student of the school stays out of reach.
    let (tom_lesson, zoe_lesson) = (plan(&office, &tom, &f, 30).await, plan(&office, &zoe, &f, 50).await);
    assert_eq!(lesson_ids(&parent).await, [id(&tom_lesson)]);
    assert_eq!(parent.get(&format!("/api/v1/students/{tom}/hours")).await.status(), 200);
    for theirs in [
        format!("/api/v1/students/{zoe}"),
        format!("/api/v1/students/{}", f.student),
        format!("/api/v1/lessons/{}", f.lesson),
    ] {
        assert_eq!(parent.get(&theirs).await.status(), 404, "{theirs}");
    }
    let students = parent.json("/api/v1/students").await;
    assert_eq!(students["items"].as_array().unwrap().len(), 1);
    let r = parent.post("/api/v1/auth/switch-child", &json!({"student_id": zoe})).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    assert_eq!(parent.json("/api/v1/me").await["student_id"], zoe.as_str());
    assert_eq!(lesson_ids(&parent).await, [id(&zoe_lesson)]);
    assert_eq!(parent.get(&format!("/api/v1/students/{zoe}/booklet")).await.status(), 200);
    assert_eq!(parent.get(&format!("/api/v1/students/{tom}")).await.status(), 404);
    let r = parent.post("/api/v1/auth/switch-child", &json!({"student_id": f.student})).await;
    assert_eq!(r.status(), 404, "not their child");

    // Reading, not acting: no word on hours, no request, no documents, no booking.
    let done = format!("/api/v1/lessons/{}/confirm", id(&zoe_lesson));
    assert_eq!(parent.post(&done, &json!({})).await.status(), 403);
    let request = json!({"lesson_id": id(&zoe_lesson), "kind": "cancel", "reason": "Malade"});
    assert_eq!(parent.post("/api/v1/change-requests", &request).await.status(), 403);
    assert_eq!(parent.get(&format!("/api/v1/students/{zoe}/documents")).await.status(), 403);

    // Told about each child's lessons, like the child.
    app.wait_jobs_idle().await;
    let notes = parent.json("/api/v1/notifications").await;
    let created_for: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"] == "lesson_created")
        .map(|n| n["link"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(created_for.len(), 2, "{notes}");
    assert!(created_for.iter().all(|l| l.starts_with("/mon-planning")), "{created_for:?}");

    // The office ends the access to Zoé: the parent is back on Tom, Zoé's lesson out of reach.
    let parent_id = me["user"]["id"].as_str().unwrap().to_owned();
    let r = office.send(reqwest::Method::DELETE, &format!("/api/v1/students/{zoe}/guardians/{parent_id}"), None).await;
    assert_eq!(r.status(), 204);
    assert_eq!(parent.json("/api/v1/me").await["student_id"], tom.as_str());
    assert_eq!(parent.get(&format!("/api/v1/lessons/{}", id(&zoe_lesson))).await.status(), 404);
    let r = office.send(reqwest::Method::DELETE, &format!("/api/v1/students/{zoe}/guardians/{parent_id}"), None).await;
    assert_eq!(r.status(), 404);
    let admin = app.login_as(Role::Admin, 'a').await;
    let log = admin.json(&format!("/api/v1/audit-log?entity=student&entity_id={zoe}")).await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"student.guardian.add") && actions.contains(&"student.guardian.remove"), "{actions:?}");
}

#[tokio::test]
async fn another_schools_guardian_reaches_nothing_here() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let fa = app.fixtures('a').await;
    app.fixtures('b').await;
    let guardian_b = app.login_as(Role::Guardian, 'b').await;
    for path in [
        format!("/api/v1/students/{}", fa.student),
        format!("/api/v1/students/{}/hours", fa.student),
        format!("/api/v1/students/{}/booklet", fa.student),
        format!("/api/v1/lessons/{}", fa.lesson),
        format!("/api/v1/invoices/{}", fa.invoice),
    ] {
        assert_eq!(guardian_b.get(&path).await.status(), 404, "{path}");
    }
    let r = guardian_b.post("/api/v1/auth/switch-child", &json!({"student_id": fa.student})).await;
    assert_eq!(r.status(), 404);
    // The office of school B cannot invite for school A's student either.
    let office_b = app.login_as(Role::Admin, 'b').await;
    let r =
        office_b.post(&format!("/api/v1/students/{}/guardians/invite", fa.student), &json!({"email": PARENT})).await;
    assert_eq!(r.status(), 404);
    // School A's guardian follows school A's fixture student (an adult here: linked directly).
    let guardian_a = app.login_as(Role::Guardian, 'a').await;
    assert_eq!(guardian_a.json("/api/v1/me").await["student_id"], fa.student.as_str());
}
