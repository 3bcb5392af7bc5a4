//! Demo agencies, instructors (with availability and some leave) and vehicles, created through
//! the same service functions as the API.

use anyhow::anyhow;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use sqlx::PgPool;
use uuid::Uuid;
use volant_domain::{ids::TenantId, schedule::WeeklyRange};

use crate::{
    agencies::{self, AgencyInput, Closure, MeetingPoint, Room},
    error::AppError,
    instructors::{self, Availability, AvailabilityException, ExceptionKind, InstructorInput},
    vehicles::{self, Gearbox, VehicleInput, VehicleKind, VehicleStatus},
    work::Work,
};

fn err(e: AppError) -> anyhow::Error {
    anyhow!("demo seed: {e:?}")
}

fn week(days: &[u8], ranges: &[(&str, &str)]) -> Vec<WeeklyRange> {
    days.iter()
        .flat_map(|d| {
            ranges.iter().map(move |(s, e)| WeeklyRange { weekday: *d, start: (*s).into(), end: (*e).into() })
        })
        .collect()
}

/// A meeting point with its place on the map (for the travel time between lessons).
fn point(label: &str, address: &str, (latitude, longitude): (f64, f64)) -> MeetingPoint {
    MeetingPoint {
        id: None,
        label: label.into(),
        address: Some(address.into()),
        latitude: Some(latitude),
        longitude: Some(longitude),
    }
}

/// Paris wall-clock time on a day, as an instant.
fn at(day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    let local = day.and_hms_opt(hour, 0, 0).unwrap_or_default();
    Paris.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

type DemoInstructor = (&'static str, &'static str, &'static str, Uuid, Option<Uuid>, i64);

pub struct Seeded {
    pub code_room: Option<Uuid>,
    pub agencies: Vec<Uuid>,
    pub instructors: Vec<Uuid>,
    pub vehicles: Vec<Uuid>,
}

pub async fn seed(pool: &PgPool, tenant: TenantId, moniteur_user: Uuid, today: NaiveDate) -> anyhow::Result<Seeded> {
    let mut work = Work::system(pool, tenant).await?;
    let first =
        agencies::repo::list(&mut work, tenant).await?.into_iter().next().ok_or_else(|| anyhow!("no agency"))?;
    let christmas = NaiveDate::from_ymd_opt(today.year(), 12, 24).unwrap_or(today);
    let centre = agencies::service::update_agency(
        &mut work,
        first,
        AgencyInput {
            name: "Tours Centre".into(),
            address: Some("12 rue Nationale, 37000 Tours".into()),
            phone: Some("02 47 00 00 01".into()),
            email: Some("centre@demo.volant.test".into()),
            opening_hours: [
                week(&[1, 2, 3, 4, 5], &[("09:00", "12:30"), ("14:00", "19:00")]),
                week(&[6], &[("09:00", "13:00")]),
            ]
            .concat(),
            closures: vec![Closure {
                date: christmas,
                end_date: Some(christmas + Duration::days(2)),
                label: Some("Fermeture de Noël".into()),
            }],
            meeting_points: vec![
                point("Agence", "12 rue Nationale, Tours", (47.3930, 0.6877)),
                point("Gare de Tours", "Place du Général Leclerc, Tours", (47.3897, 0.6941)),
                point("Lycée Choiseul", "78 rue des Douets, Tours", (47.4135, 0.6820)),
            ],
            rooms: vec![Room { id: None, name: "Salle de code".into(), capacity: 20 }],
            alsace_moselle: false,
        },
    )
    .await
    .map_err(err)?;
    let nord = agencies::service::create_agency(
        &mut work,
        AgencyInput {
            name: "Tours Nord".into(),
            address: Some("45 avenue de la Tranchée, 37100 Tours".into()),
            phone: Some("02 47 00 00 02".into()),
            email: None,
            opening_hours: week(&[2, 3, 4, 5, 6], &[("10:00", "12:00"), ("14:00", "18:30")]),
            closures: vec![],
            meeting_points: vec![
                point("Agence Nord", "45 avenue de la Tranchée, Tours", (47.4040, 0.6870)),
                point("Parking Monconseil", "Rue Daniel Mayer, Tours", (47.4230, 0.6740)),
            ],
            rooms: vec![Room { id: None, name: "Petite salle".into(), capacity: 12 }],
            alsace_moselle: false,
        },
    )
    .await
    .map_err(err)?;

    // First name, last name, colour, agency, linked account, days until the authorisation expires.
    let people: [DemoInstructor; 6] = [
        ("Julien", "Moreau", "#1971c2", centre.id, Some(moniteur_user), 900),
        ("Sophie", "Lambert", "#c2255c", centre.id, None, 500),
        ("Karim", "Haddad", "#2f9e44", centre.id, None, 40),
        ("Émilie", "Rousseau", "#e8590c", nord.id, None, 700),
        ("Thomas", "Girard", "#7048e8", nord.id, None, 300),
        ("Inès", "Fontaine", "#0c8599", centre.id, None, 1200),
    ];
    let mut instructor_ids = vec![];
    for (n, (first_name, last_name, colour, agency, user, auth_days)) in people.into_iter().enumerate() {
        let saved = instructors::service::create_instructor(
            &mut work,
            InstructorInput {
                first_name: first_name.into(),
                last_name: last_name.into(),
                email: Some(format!("{}.{}@demo.volant.test", slug(first_name), slug(last_name))),
                phone: Some(format!("06 12 34 56 {:02}", 10 + n)),
                authorisation_number: Some(format!("E 37 {:04} 0", 1200 + n * 37)),
                authorisation_expires_on: Some(today + Duration::days(auth_days)),
                categories: if n == 5 {
                    vec!["B".into(), "B78".into(), "A".into()]
                } else {
                    vec!["B".into(), "B78".into()]
                },
                colour: colour.into(),
                weekly_contract_minutes: Some(if n == 4 { 1050 } else { 2100 }),
                agency_id: Some(agency),
                user_id: user,
                active: true,
            },
        )
        .await
        .map_err(err)?;
        let weekly = if n % 2 == 0 {
            week(&[1, 2, 3, 4, 5], &[("08:00", "12:00"), ("13:30", "19:00")])
        } else {
            [week(&[2, 3, 4, 5], &[("09:00", "12:30"), ("14:00", "18:00")]), week(&[6], &[("08:00", "13:00")])].concat()
        };
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let exceptions = match n {
            1 => vec![AvailabilityException {
                id: None,
                starts_at: at(monday + Duration::days(14), 0),
                ends_at: at(monday + Duration::days(19), 0),
                kind: ExceptionKind::Leave,
                note: Some("Congés".into()),
            }],
            3 => vec![AvailabilityException {
                id: None,
                starts_at: at(monday + Duration::days(9), 14),
                ends_at: at(monday + Duration::days(9), 18),
                kind: ExceptionKind::Training,
                note: Some("Formation éco-conduite".into()),
            }],
            _ => vec![],
        };
        let before = Availability { weekly: vec![], exceptions: vec![], version: 1 };
        crate::planning::availability::replace_availability(
            &mut work,
            saved.id,
            before,
            Availability { weekly, exceptions, version: 1 },
        )
        .await
        .map_err(err)?;
        instructor_ids.push(saved.id);
    }

    let cars = [
        (
            "AB-123-CD",
            "Renault",
            "Clio V",
            Gearbox::Manual,
            VehicleKind::Car,
            VehicleStatus::Active,
            centre.id,
            Some(200),
            300,
            18_500,
        ),
        (
            "EF-456-GH",
            "Peugeot",
            "208",
            Gearbox::Manual,
            VehicleKind::Car,
            VehicleStatus::Active,
            nord.id,
            None,
            25,
            42_300,
        ),
        (
            "GJ-789-KL",
            "Toyota",
            "Yaris Hybride",
            Gearbox::Automatic,
            VehicleKind::Car,
            VehicleStatus::Active,
            centre.id,
            Some(20),
            150,
            31_000,
        ),
        (
            "MN-321-PQ",
            "Ediser",
            "Simulateur Edisim",
            Gearbox::Manual,
            VehicleKind::Simulator,
            VehicleStatus::Active,
            centre.id,
            None,
            365,
            0,
        ),
        (
            "1234 TV 37",
            "Volkswagen",
            "Polo",
            Gearbox::Manual,
            VehicleKind::Car,
            VehicleStatus::Maintenance,
            nord.id,
            Some(-5),
            90,
            148_900,
        ),
    ];
    let mut vehicle_ids = vec![];
    for (plate, make, model, gearbox, kind, status, agency, inspection_days, insurance_days, km) in cars {
        let v = vehicles::service::create_vehicle(
            &mut work,
            VehicleInput {
                kind,
                plate: plate.into(),
                make: Some(make.into()),
                model: Some(model.into()),
                gearbox,
                category: "B".into(),
                dual_controls: kind == VehicleKind::Car,
                agency_id: Some(agency),
                status,
                inspection_due_on: inspection_days.map(|d| today + Duration::days(d)),
                insurance_expires_on: Some(today + Duration::days(insurance_days)),
                mileage_km: Some(km),
            },
        )
        .await
        .map_err(err)?;
        vehicle_ids.push(v.id);
    }
    work.commit().await?;
    Ok(Seeded {
        code_room: centre.rooms.first().and_then(|r| r.id),
        agencies: vec![centre.id, nord.id],
        instructors: instructor_ids,
        vehicles: vehicle_ids,
    })
}

fn slug(s: &str) -> String {
    s.to_lowercase().replace(['é', 'è', 'ê'], "e").replace(['î', 'ï'], "i")
}
