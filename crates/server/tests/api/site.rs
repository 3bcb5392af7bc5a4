//! Each school's public site: server-rendered, found by its host name or under /sites/{slug},
//! never another school's.

use serde_json::{Value, json};
use volant::jobs::JobRegistry;
use volant_domain::role::Role;

use crate::helpers::*;

async fn publish(admin: &Api, headline: &str) {
    let mut settings = admin.json("/api/v1/settings").await;
    settings["site"] = json!({"published": true, "template": "moderne", "headline": headline,
                              "intro": "Permis B en boîte manuelle ou automatique.", "email": "contact@ecole.fr"});
    let r = admin.send(reqwest::Method::PUT, "/api/v1/settings", Some(&settings)).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
}

async fn page(app: &TestApp, host: Option<&str>, path: &str) -> (u16, String) {
    let mut req = new_client().get(app.url(path));
    if let Some(host) = host {
        req = req.header("host", host);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn json_ld(html: &str) -> Value {
    let start = html.find("<script type=\"application/ld+json\">").expect("JSON-LD") + 35;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[tokio::test]
async fn a_published_site_shows_the_school_its_offers_and_its_legal_data() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    let admin = app.login_as(Role::Admin, 'a').await;
    assert_eq!(page(&app, None, "/sites/ecole-a/").await.0, 404, "not published yet");
    publish(&admin, "Le permis <sans> stress").await;
    as_owner_in(
        &app,
        schools.a,
        &format!(
            "UPDATE tenants SET legal_name = 'Auto-École A SARL', siret = '12345678900012', agrement = 'E 12 069 0001 0' WHERE id = '{}'",
            schools.a.0
        ),
    )
    .await;
    let body = json!({"name": "Forfait 20 heures", "kind": "hours_package", "price_cents": 129_000, "minutes": 1200});
    created(admin.post("/api/v1/products", &body).await).await;
    let old = created(
        admin
            .post("/api/v1/products", &json!({"name": "Ancien forfait", "kind": "registration", "price_cents": 10_000}))
            .await,
    )
    .await;
    admin.patch(&format!("/api/v1/products/{}", id(&old)), &json!({"active": false, "version": 1})).await;

    let (status, home) = page(&app, None, "/sites/ecole-a/").await;
    assert_eq!(status, 200);
    for part in [
        "<html lang=\"fr\">",
        "Le permis &lt;sans&gt; stress",
        "<meta name=\"description\"",
        "rel=\"canonical\"",
        "og:title",
        "Forfait 20 heures",
    ] {
        assert!(home.contains(part), "{part} missing: {home}");
    }
    let ld = json_ld(&home);
    assert_eq!((ld["@type"].as_str(), ld["name"].as_str()), (Some("DrivingSchool"), Some("École A")));
    assert!(ld["openingHoursSpecification"].as_array().is_some_and(|h| !h.is_empty()), "{ld}");

    let (_, offers) = page(&app, None, "/sites/ecole-a/formations").await;
    assert!(
        offers.contains("Forfait 20 heures")
            && offers.contains("20 h de conduite")
            && !offers.contains("Ancien forfait"),
        "{offers}"
    );
    let (_, legal) = page(&app, None, "/sites/ecole-a/mentions-legales").await;
    for part in ["Auto-École A SARL", "SIRET 12345678900012", "Agrément préfectoral E 12 069 0001 0"] {
        assert!(legal.contains(part), "{part} missing: {legal}");
    }
    let (_, agencies) = page(&app, None, "/sites/ecole-a/agences").await;
    assert!(agencies.contains("Horaires d'ouverture") && agencies.contains("Lundi"), "{agencies}");
    let (_, sitemap) = page(&app, None, "/sites/ecole-a/sitemap.xml").await;
    assert_eq!(sitemap.matches("<loc>").count(), 6, "{sitemap}");
    assert!(!sitemap.contains("/merci"), "the thanks page is not indexed");
    let (_, robots) = page(&app, None, "/sites/ecole-a/robots.txt").await;
    assert!(robots.contains("Sitemap: ") && robots.contains("/sites/ecole-a/sitemap.xml"), "{robots}");
    let (_, app_robots) = page(&app, None, "/robots.txt").await;
    assert!(app_robots.contains("Allow: /sites/") && app_robots.contains("Disallow: /\n"), "{app_robots}");
    assert_eq!(page(&app, None, "/sites/ecole-a/inconnue").await.0, 404);
    assert_eq!(page(&app, None, "/sites/ecole-b/").await.0, 404, "school B has not published its site");
    // The editor's preview: settings not saved yet, the page as it would be.
    let draft = json!({"published": false, "template": "sobre", "headline": "Titre en cours de frappe", "intro": "", "email": ""});
    let r = admin.post("/api/v1/site-preview", &draft).await;
    assert_eq!(r.status(), 200);
    let preview = r.text().await.unwrap();
    assert!(preview.contains("Titre en cours de frappe") && preview.contains("class=\"sobre\""), "{preview}");
    let bad = json!({"published": true, "template": "baroque", "headline": "", "intro": "", "email": ""});
    assert!(problem(admin.post("/api/v1/site-preview", &bad).await, 400).await.to_string().contains("site.template"));
    assert!(page(&app, None, "/sites/ecole-a/").await.1.contains("Le permis &lt;sans&gt; stress"), "nothing saved");
    assert_eq!(page(&app, None, "/sites/nulle-part/").await.0, 404);
}

#[tokio::test]
async fn a_host_name_reaches_its_own_school_only() {
    let app = spawn_app_with(&[("VOLANT_SITE_DOMAIN", "sites.test")], JobRegistry::default()).await;
    let schools = app.seed_schools().await;
    publish(&app.login_as(Role::Admin, 'a').await, "École A en ligne").await;

    let (status, a) = page(&app, Some("ecole-a.sites.test"), "/").await;
    assert_eq!(status, 200);
    assert!(a.contains("École A en ligne") && a.contains("href=\"http://ecole-a.sites.test/formations\""), "{a}");
    assert_eq!(page(&app, Some("ecole-a.sites.test"), "/formations").await.0, 200);
    let (_, robots) = page(&app, Some("ecole-a.sites.test"), "/robots.txt").await;
    assert!(robots.contains("Sitemap: http://ecole-a.sites.test/sitemap.xml"), "{robots}");
    assert_eq!(page(&app, Some("ecole-b.sites.test"), "/").await.0, 404, "B is not published: never A's site");
    assert_eq!(page(&app, Some("inconnue.sites.test"), "/").await.0, 404);
    assert_eq!(page(&app, Some("x.ecole-a.sites.test"), "/").await.0, 404);

    publish(&app.login_as(Role::Admin, 'b').await, "École B en ligne").await;
    let (_, b) = page(&app, Some("ecole-b.sites.test"), "/").await;
    assert!(b.contains("École B en ligne") && !b.contains("École A en ligne"));

    // A custom domain routes once verified by the operator.
    assert!(!page(&app, Some("www.ecole-a.fr"), "/").await.1.contains("École A en ligne"));
    as_owner_in(
        &app,
        schools.a,
        &format!("INSERT INTO site_domains (host, tenant_id) VALUES ('www.ecole-a.fr', '{}')", schools.a.0),
    )
    .await;
    assert!(!page(&app, Some("www.ecole-a.fr"), "/").await.1.contains("École A en ligne"), "not verified yet");
    as_owner_in(&app, schools.a, "UPDATE site_domains SET verified_at = now() WHERE host = 'www.ecole-a.fr'").await;
    let (status, custom) = page(&app, Some("www.ecole-a.fr"), "/").await;
    assert_eq!(status, 200);
    assert!(custom.contains("École A en ligne") && custom.contains("http://www.ecole-a.fr/"), "{custom}");
    // The API is unchanged on any host.
    assert_eq!(page(&app, Some("ecole-a.sites.test"), "/healthz").await.0, 200);
}

async fn send_form(app: &TestApp, fields: &[(&str, &str)]) -> (u16, String, String) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client.post(app.url("/sites/ecole-a/inscription")).form(fields).send().await.unwrap();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (r.status().as_u16(), location, r.text().await.unwrap())
}

async fn prospects(admin: &Api) -> Vec<Value> {
    admin.json("/api/v1/students?status=prospect").await["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_registration_form_makes_one_prospect_tells_the_office_and_keeps_nothing_refused() {
    let app = spawn_app().await;
    let schools = app.seed_schools().await;
    app.no_quiet_hours('a').await;
    let admin = app.login_as(Role::Admin, 'a').await;
    publish(&admin, "École A").await;
    let (status, form) = page(&app, None, "/sites/ecole-a/inscription").await;
    assert_eq!(status, 200);
    assert!(form.contains("method=\"post\"") && form.contains("name=\"consentement\""), "{form}");

    // Bad input: the form again, in French, and nothing written.
    let (status, _, body) =
        send_form(&app, &[("prenom", ""), ("nom", "Durand"), ("naissance", "2090-01-01"), ("email", "pas-un-mail")])
            .await;
    assert_eq!(status, 422);
    for message in ["Indiquez votre prénom.", "14 ans", "Cette adresse e-mail", "Cochez la case"] {
        assert!(body.contains(message), "{message} missing: {body}");
    }
    assert!(body.contains("value=\"Durand\""), "what was typed is kept");
    // A bot fills the hidden field: thanked, nothing kept.
    let bot = [
        ("prenom", "Bot"),
        ("nom", "Robot"),
        ("naissance", "2000-01-01"),
        ("email", "bot@exemple.fr"),
        ("consentement", "oui"),
        ("site_web", "http://spam"),
    ];
    let (status, location, _) = send_form(&app, &bot).await;
    assert_eq!((status, location.ends_with("/merci")), (303, true));
    assert!(prospects(&admin).await.is_empty());

    // A person: one prospect, the consent recorded, the office told.
    let person = [
        ("prenom", "Inès"),
        ("nom", "Durand"),
        ("naissance", "15/04/2008"),
        ("email", "ines.durand@exemple.fr"),
        ("telephone", "06 12 34 56 78"),
        ("message", "Je voudrais commencer en janvier."),
        ("consentement", "oui"),
        ("site_web", ""),
    ];
    let (status, location, _) = send_form(&app, &person).await;
    assert_eq!((status, location.as_str()), (303, app.url("/sites/ecole-a/merci").as_str()));
    let found = prospects(&admin).await;
    assert_eq!(found.len(), 1);
    assert_eq!((found[0]["first_name"].as_str(), found[0]["birth_date"].as_str()), (Some("Inès"), Some("2008-04-15")));
    let mut tx = volant::db::begin_tenant(&app.pool, schools.a).await.unwrap();
    let (consent, message): (String, Option<String>) =
        sqlx::query_as("SELECT consent_text, message FROM site_registrations WHERE tenant_id = $1")
            .bind(schools.a.0)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert!(consent.starts_with("J'accepte que l'auto-école"));
    assert_eq!(message.as_deref(), Some("Je voudrais commencer en janvier."));
    app.wait_jobs_idle().await;
    let told = admin.json("/api/v1/notifications").await;
    assert!(told.to_string().contains("Inès Durand"), "{told}");
    assert!(app.smtp.messages().iter().any(|m| m.contains("Nouvelle inscription sur le site")));
    let registrations = admin.json("/api/v1/site-registrations").await;
    let first = registrations["items"][0].clone();
    assert_eq!(
        (first["student_name"].as_str(), first["student_status"].as_str()),
        (Some("Inès Durand"), Some("prospect"))
    );
    assert_eq!(first["message"], "Je voudrais commencer en janvier.");
    let (_, thanks) = page(&app, None, "/sites/ecole-a/merci").await;
    assert!(thanks.contains("Merci"));

    // Sent again: the school already has the file (no second prospect).
    send_form(&app, &person).await;
    assert_eq!(prospects(&admin).await.len(), 1);
    // Too many from one address: slowed down.
    let mut last = 0;
    for _ in 0..4 {
        last = send_form(&app, &person).await.0;
    }
    assert_eq!(last, 429);

    // Erased at the person's request: the registration keeps its date, not the message.
    let student = first["student_id"].as_str().unwrap().to_owned();
    admin.post(&format!("/api/v1/students/{student}/erase"), &json!({})).await;
    let erased = &admin.json("/api/v1/site-registrations").await["items"][0];
    assert_eq!((erased["message"].clone(), erased["email"].clone()), (Value::Null, Value::Null), "{erased}");
}
