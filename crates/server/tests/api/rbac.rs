//! The role matrix: every route of the OpenAPI document × every role (and anonymous).

use std::collections::HashMap;

use reqwest::Method;
use serde_json::json;
use volant_domain::role::Role;

use crate::helpers::*;

#[derive(Clone, Copy, Debug)]
enum Access {
    /// No session needed (login, password reset, invitation accept).
    Public,
    /// Any logged-in role.
    AnyRole,
    /// Only these roles; the others get 403.
    Only(&'static [Role]),
}

const ADMIN: Access = Access::Only(&[Role::Admin]);
const OFFICE: Access = Access::Only(&[Role::Admin, Role::Secretary]);
/// The office and the student themself (identity papers are not the instructors' business).
const FILE_KEEPERS: Access = Access::Only(&[Role::Admin, Role::Secretary, Role::Student]);
/// The office, the student and their guardians: what a parent follows and pays.
const FAMILY: Access = Access::Only(&[Role::Admin, Role::Secretary, Role::Student, Role::Guardian]);
const STAFF: Access = Access::Only(&[Role::Admin, Role::Secretary, Role::Instructor]);

/// One row per route. A route missing here fails the test.
fn matrix() -> HashMap<(&'static str, &'static str), Access> {
    HashMap::from([
        (("POST", "/api/v1/auth/login"), Access::Public),
        (("POST", "/api/v1/auth/logout"), Access::AnyRole),
        (("GET", "/api/v1/me"), Access::AnyRole),
        (("POST", "/api/v1/auth/switch-tenant"), Access::AnyRole),
        (("POST", "/api/v1/auth/switch-child"), Access::Only(&[Role::Guardian])),
        (("GET", "/api/v1/students/{id}/guardians"), OFFICE),
        (("POST", "/api/v1/students/{id}/guardians/invite"), OFFICE),
        (("DELETE", "/api/v1/students/{id}/guardians/{user_id}"), OFFICE),
        (("POST", "/api/v1/auth/password/change"), Access::AnyRole),
        (("POST", "/api/v1/auth/password/forgot"), Access::Public),
        (("POST", "/api/v1/auth/password/reset"), Access::Public),
        (("POST", "/api/v1/auth/login/2fa"), Access::Public),
        (("POST", "/api/v1/me/2fa/totp"), Access::AnyRole),
        (("POST", "/api/v1/me/2fa/totp/confirm"), Access::AnyRole),
        (("DELETE", "/api/v1/me/2fa"), Access::AnyRole),
        (("GET", "/api/v1/me/sessions"), Access::AnyRole),
        (("DELETE", "/api/v1/me/sessions"), Access::AnyRole),
        (("DELETE", "/api/v1/me/sessions/{id}"), Access::AnyRole),
        (("POST", "/api/v1/me/passkeys/options"), Access::AnyRole),
        (("GET", "/api/v1/me/passkeys"), Access::AnyRole),
        (("POST", "/api/v1/me/passkeys"), Access::AnyRole),
        (("DELETE", "/api/v1/me/passkeys/{id}"), Access::AnyRole),
        (("POST", "/api/v1/auth/passkey/options"), Access::Public),
        (("POST", "/api/v1/auth/passkey"), Access::Public),
        (("GET", "/api/v1/users"), ADMIN),
        (("GET", "/api/v1/travel-gaps"), STAFF),
        (("GET", "/api/v1/instructors/{id}/planning.pdf"), STAFF),
        (("GET", "/api/v1/planning/day.pdf"), STAFF),
        (("GET", "/api/v1/lessons/{id}/confirmation-code"), STAFF),
        (("POST", "/api/v1/lessons/{id}/confirm"), Access::Only(&[Role::Student])),
        (("POST", "/api/v1/lessons/{id}/dispute"), Access::Only(&[Role::Student])),
        (("POST", "/api/v1/lessons/{id}/dispute/resolve"), OFFICE),
        (("GET", "/api/v1/lesson-disputes"), OFFICE),
        (("POST", "/api/v1/imports"), ADMIN),
        (("GET", "/api/v1/jobs/{id}"), ADMIN),
        (("GET", "/api/v1/jobs/{id}/file"), ADMIN),
        (("POST", "/api/v1/exports"), ADMIN),
        (("GET", "/api/v1/students/{id}/dossier.zip"), FAMILY),
        (("GET", "/api/v1/waitlist"), FILE_KEEPERS),
        (("POST", "/api/v1/waitlist"), FILE_KEEPERS),
        (("DELETE", "/api/v1/waitlist/{id}"), FILE_KEEPERS),
        (("GET", "/api/v1/waitlist/offers"), FILE_KEEPERS),
        (("POST", "/api/v1/waitlist/offers/{id}/accept"), FILE_KEEPERS),
        (("POST", "/api/v1/waitlist/offers/{id}/decline"), FILE_KEEPERS),
        (("GET", "/api/v1/students/{id}/suggestions"), FILE_KEEPERS),
        (("POST", "/api/v1/students/{id}/suggestions/book"), FILE_KEEPERS),
        (("PATCH", "/api/v1/users/{id}"), ADMIN),
        (("GET", "/api/v1/invitations"), ADMIN),
        (("POST", "/api/v1/invitations"), ADMIN),
        (("GET", "/api/v1/invitations/lookup"), Access::Public),
        (("POST", "/api/v1/invitations/accept"), Access::Public),
        (("GET", "/api/v1/audit-log"), ADMIN),
        (("GET", "/api/v1/audit-log/verify"), ADMIN),
        (("GET", "/api/v1/demo/mails"), ADMIN),
        (("GET", "/api/v1/demo/sms"), ADMIN),
        (("GET", "/api/v1/instructors/{id}/external-calendars"), STAFF),
        (("POST", "/api/v1/instructors/{id}/external-calendars"), STAFF),
        (("DELETE", "/api/v1/instructors/{id}/external-calendars/{calendar_id}"), STAFF),
        (("GET", "/api/v1/instructors/{id}/busy"), STAFF),
        (("GET", "/api/v1/notifications"), Access::AnyRole),
        (("GET", "/api/v1/notifications/unread-count"), Access::AnyRole),
        (("PATCH", "/api/v1/notifications/{id}"), Access::AnyRole),
        (("POST", "/api/v1/notifications/read-all"), Access::AnyRole),
        (("GET", "/api/v1/me/notification-preferences"), Access::AnyRole),
        (("PUT", "/api/v1/me/notification-preferences"), Access::AnyRole),
        (("GET", "/api/v1/notification-deliveries"), ADMIN),
        (("GET", "/api/v1/unsubscribe/{token}"), Access::Public),
        (("POST", "/api/v1/unsubscribe/{token}"), Access::Public),
        (("GET", "/api/v1/me/calendar-feed"), Access::Only(&[Role::Instructor, Role::Student])),
        (("POST", "/api/v1/me/calendar-feed/rotate"), Access::Only(&[Role::Instructor, Role::Student])),
        (("GET", "/api/v1/products"), FAMILY),
        (("POST", "/api/v1/products"), ADMIN),
        (("GET", "/api/v1/products/{id}"), FAMILY),
        (("PATCH", "/api/v1/products/{id}"), ADMIN),
        (("GET", "/api/v1/invoices"), FAMILY),
        (("POST", "/api/v1/invoices"), OFFICE),
        (("GET", "/api/v1/invoices/{id}"), FAMILY),
        (("GET", "/api/v1/invoices/{id}.pdf"), FAMILY),
        (("POST", "/api/v1/invoices/{id}/credit-notes"), OFFICE),
        (("POST", "/api/v1/invoices/{id}/schedule"), OFFICE),
        (("POST", "/api/v1/invoices/{id}/checkout"), FAMILY),
        (("POST", "/api/v1/payments/{id}/refunds"), OFFICE),
        (("GET", "/api/v1/payments/verify"), ADMIN),
        (("GET", "/api/v1/closures"), ADMIN),
        (("GET", "/api/v1/fiscal-archives"), ADMIN),
        (("POST", "/api/v1/fiscal-archives"), ADMIN),
        (("GET", "/api/v1/fiscal-archives/{id}"), ADMIN),
        (("GET", "/api/v1/technical-events"), ADMIN),
        (("GET", "/api/v1/connectors"), OFFICE),
        (("PUT", "/api/v1/connectors/{name}"), ADMIN),
        (("POST", "/api/v1/connectors/{name}/test"), ADMIN),
        (("GET", "/api/v1/connectors/{name}/events"), ADMIN),
        (("GET", "/api/v1/connectors/rdvpermis/authorize"), ADMIN),
        (("GET", "/api/v1/livret/transmissions"), OFFICE),
        (("POST", "/api/v1/livret/transmissions/{lesson_id}/{student_id}/retry"), OFFICE),
        (("GET", "/api/v1/etp-preview"), OFFICE),
        (("GET", "/api/v1/rdvpermis/centres"), OFFICE),
        (("GET", "/api/v1/rdvpermis/places"), OFFICE),
        (("GET", "/api/v1/rdvpermis/bookings"), OFFICE),
        (("POST", "/api/v1/rdvpermis/bookings"), OFFICE),
        (("DELETE", "/api/v1/rdvpermis/bookings/{id}"), OFFICE),
        (("GET", "/api/v1/connectors/rdvpermis/callback"), ADMIN),
        (("GET", "/api/v1/students/{id}/ants"), OFFICE),
        (("POST", "/api/v1/students/{id}/ants/submit"), OFFICE),
        (("POST", "/api/v1/students/{id}/ants/sync"), OFFICE),
        (("GET", "/api/v1/students/{id}/cpf"), FAMILY),
        (("PATCH", "/api/v1/students/{id}/cpf"), OFFICE),
        (("GET", "/api/v1/analytics/overview"), ADMIN),
        (("GET", "/api/v1/analytics/instructors"), Access::Only(&[Role::Admin, Role::Instructor])),
        (("GET", "/api/v1/analytics/export.csv"), ADMIN),
        (("GET", "/api/v1/payroll"), ADMIN),
        (("GET", "/api/v1/site-registrations"), OFFICE),
        (("POST", "/api/v1/site-preview"), ADMIN),
        (("GET", "/api/v1/students/{id}/contracts"), FAMILY),
        (("POST", "/api/v1/students/{id}/contracts"), OFFICE),
        (("POST", "/api/v1/students/{id}/amendments"), OFFICE),
        (("GET", "/api/v1/contracts/{id}"), FAMILY),
        (("GET", "/api/v1/contracts/{id}.pdf"), FAMILY),
        (("POST", "/api/v1/contracts/{id}/signature-code"), FAMILY),
        (("POST", "/api/v1/contracts/{id}/sign"), FAMILY),
        (("GET", "/api/v1/payments"), FAMILY),
        (("POST", "/api/v1/payments"), OFFICE),
        (("GET", "/api/v1/students/{id}/account"), FAMILY),
        (("POST", "/api/v1/webhooks/payments/{provider}"), Access::Public),
        (("GET", "/api/v1/settings"), ADMIN),
        (("PUT", "/api/v1/settings"), ADMIN),
        (("GET", "/api/v1/agencies"), Access::AnyRole),
        (("POST", "/api/v1/agencies"), ADMIN),
        (("GET", "/api/v1/agencies/{id}"), Access::AnyRole),
        (("PATCH", "/api/v1/agencies/{id}"), ADMIN),
        (("GET", "/api/v1/instructors"), Access::AnyRole),
        (("POST", "/api/v1/instructors"), ADMIN),
        (("GET", "/api/v1/instructors/{id}"), STAFF),
        (("PATCH", "/api/v1/instructors/{id}"), ADMIN),
        (("GET", "/api/v1/instructors/{id}/availability"), STAFF),
        (("PUT", "/api/v1/instructors/{id}/availability"), OFFICE),
        (("POST", "/api/v1/instructors/{id}/exceptions"), STAFF),
        (("DELETE", "/api/v1/instructors/{id}/exceptions/{exception_id}"), STAFF),
        (("GET", "/api/v1/vehicles"), STAFF),
        (("POST", "/api/v1/vehicles"), OFFICE),
        (("GET", "/api/v1/vehicles/{id}"), STAFF),
        (("PATCH", "/api/v1/vehicles/{id}"), OFFICE),
        (("GET", "/api/v1/students"), Access::AnyRole),
        (("POST", "/api/v1/students"), OFFICE),
        (("GET", "/api/v1/students/{id}"), Access::AnyRole),
        (("PATCH", "/api/v1/students/{id}"), OFFICE),
        (("POST", "/api/v1/students/{id}/archive"), OFFICE),
        (("POST", "/api/v1/students/{id}/restore"), OFFICE),
        (("POST", "/api/v1/students/{id}/erase"), ADMIN),
        (("GET", "/api/v1/students/{id}/documents"), FILE_KEEPERS),
        (("POST", "/api/v1/students/{id}/documents"), FILE_KEEPERS),
        (("GET", "/api/v1/students/{id}/documents/{doc_id}/file"), FILE_KEEPERS),
        (("GET", "/api/v1/students/{id}/hours"), Access::AnyRole),
        (("POST", "/api/v1/students/{id}/hours"), OFFICE),
        (("GET", "/api/v1/students/{id}/history"), Access::AnyRole),
        (("POST", "/api/v1/students/{id}/invite"), OFFICE),
        (("GET", "/api/v1/lessons"), Access::AnyRole),
        (("POST", "/api/v1/lessons"), OFFICE),
        (("GET", "/api/v1/lessons/{id}"), Access::AnyRole),
        (("PATCH", "/api/v1/lessons/{id}"), OFFICE),
        (("POST", "/api/v1/lessons/{id}/cancel"), OFFICE),
        (("GET", "/api/v1/change-requests"), Access::AnyRole),
        (("POST", "/api/v1/change-requests"), Access::Only(&[Role::Instructor, Role::Student])),
        (("POST", "/api/v1/change-requests/{id}/approve"), OFFICE),
        (("POST", "/api/v1/change-requests/{id}/reject"), OFFICE),
        (("GET", "/api/v1/exams"), Access::AnyRole),
        (("POST", "/api/v1/exams"), OFFICE),
        (("GET", "/api/v1/exams/{id}"), Access::AnyRole),
        (("PATCH", "/api/v1/exams/{id}"), OFFICE),
        (("GET", "/api/v1/students/{id}/eligibility"), Access::AnyRole),
        (("GET", "/api/v1/exam-places"), OFFICE),
        (("POST", "/api/v1/exam-places"), OFFICE),
        (("POST", "/api/v1/exam-places/{id}/assign"), OFFICE),
        (("GET", "/api/v1/exam-places/{id}/candidates"), OFFICE),
        (("GET", "/api/v1/alerts"), OFFICE),
        (("POST", "/api/v1/lessons/{id}/complete"), STAFF),
        (("POST", "/api/v1/lessons/{id}/no-show"), STAFF),
        (("POST", "/api/v1/lessons/{id}/duplicate"), OFFICE),
        (("POST", "/api/v1/lesson-series"), OFFICE),
        (("PATCH", "/api/v1/lesson-series/{id}"), OFFICE),
        (("DELETE", "/api/v1/lesson-series/{id}"), OFFICE),
        (("POST", "/api/v1/planning/copy-week"), OFFICE),
        (("POST", "/api/v1/planning/replace-day"), OFFICE),
        (("GET", "/api/v1/instructors/{id}/stats"), STAFF),
        (("GET", "/api/v1/vehicles/{id}/stats"), STAFF),
        (("GET", "/api/v1/competencies"), Access::AnyRole),
        (("GET", "/api/v1/students/{id}/booklet"), Access::AnyRole),
        (("GET", "/api/v1/students/{id}/booklet.pdf"), Access::AnyRole),
        (("POST", "/api/v1/students/{id}/booklet/evaluations"), STAFF),
        (("POST", "/api/v1/students/{id}/booklet/assessments"), STAFF),
    ])
}

async fn throwaway_student(app: &TestApp) -> String {
    let admin = app.login_as(Role::Admin, 'a').await;
    let body = json!({"first_name": "Jetable", "last_name": "Élève", "birth_date": "1990-01-01"});
    let created: serde_json::Value = admin.post("/api/v1/students", &body).await.json().await.unwrap();
    created["id"].as_str().unwrap().to_owned()
}

fn routes_of_the_document() -> Vec<(String, String)> {
    let doc = serde_json::to_value(volant::features::openapi()).unwrap();
    let mut out = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_matrix_says() {
    let app = spawn_app().await;
    app.seed_schools().await;
    let matrix = matrix();
    let routes = routes_of_the_document();
    for (method, path) in &routes {
        assert!(matrix.contains_key(&(method.as_str(), path.as_str())), "no role-matrix row for {method} {path}");
    }
    assert_eq!(routes.len(), matrix.len(), "the matrix lists a route the document does not have");
    // Ids of the caller's own school, so that an allowed role reaches past the 404.
    let fx = app.fixtures('a').await;

    for (method, path) in routes {
        let access = matrix[&(method.as_str(), path.as_str())];
        let concrete = if path.contains('{') { fx.concrete(&path) } else { path.clone() };
        // Erasure deactivates the linked account: aim it at a file of its own.
        let concrete = if path.ends_with("/erase") {
            concrete.replace(&fx.student, &throwaway_student(&app).await)
        } else {
            concrete
        };
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let body = json!({});
        // Anonymous.
        let status = app.anonymous().send(m.clone(), &concrete, Some(&body)).await.status().as_u16();
        match access {
            Access::Public => {
                assert!(status != 401 && status != 403 && status < 500, "anonymous {method} {path}: {status}")
            }
            _ => assert_eq!(status, 401, "anonymous {method} {path}"),
        }
        for role in Role::ALL {
            // A fresh session per call: logout or a password change must not spoil the next one.
            let api = app.login_as(role, 'a').await;
            let status = api.send(m.clone(), &concrete, Some(&body)).await.status().as_u16();
            let allowed = match access {
                Access::Public | Access::AnyRole => true,
                Access::Only(roles) => roles.contains(&role),
            };
            if allowed {
                assert!(status != 401 && status != 403 && status < 500, "{role} {method} {path}: {status}");
            } else {
                assert_eq!(status, 403, "{role} {method} {path}");
            }
        }
    }
}
