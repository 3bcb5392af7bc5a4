//! Travel time between two meeting points: what the school measured (its matrix) or else the
//! straight-line distance stretched by a detour factor and driven at an urban speed. An
//! instructor needs that time between two consecutive lessons at different places (rule
//! `travel_time`, checked in `planning::check`).

use serde::{Deserialize, Serialize};

/// Mean Earth radius (IUGG), in kilometres.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A place on the map, in decimal degrees (WGS 84).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

impl Coordinates {
    /// Coordinates that exist on Earth; `None` otherwise.
    pub fn new(latitude: f64, longitude: f64) -> Option<Coordinates> {
        let ok = (-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude);
        ok.then_some(Coordinates { latitude, longitude })
    }
}

/// The great-circle distance (haversine formula), in kilometres.
pub fn distance_km(a: Coordinates, b: Coordinates) -> f64 {
    let (la1, la2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dla = la2 - la1;
    let dlo = (b.longitude - a.longitude).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

/// How the school estimates a trip it has not measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// Road distance ÷ straight-line distance, in percent (130 = roads are 30 % longer).
    pub detour_percent: i64,
    /// Mean speed of a car in town, km/h.
    pub speed_kmh: i64,
}

/// Town roads are about 30 % longer than the straight line.
pub const DEFAULT_DETOUR_PERCENT: i64 = 130;
/// A car's mean speed across a French town at lesson hours.
pub const DEFAULT_SPEED_KMH: i64 = 25;

/// Whole minutes to drive `km` of straight line, rounded up (a trip of 0 km takes 0 minutes).
pub fn estimated_minutes(km: f64, estimate: Estimate) -> i64 {
    if km <= 0.0 || estimate.speed_kmh <= 0 {
        return 0;
    }
    let road_km = km * estimate.detour_percent as f64 / 100.0;
    (road_km / estimate.speed_kmh as f64 * 60.0).ceil() as i64
}

/// A trip the school measured, in either direction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasuredLeg {
    /// Meeting point ids (of any agency).
    pub from: uuid::Uuid,
    pub to: uuid::Uuid,
    pub minutes: i64,
}

/// A meeting point as the rule sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub id: uuid::Uuid,
    pub label: String,
    pub coordinates: Option<Coordinates>,
}

/// The minutes from one place to another: the school's measure first, else the estimate from
/// coordinates; `None` when neither is known (the rule then stays silent rather than guess).
pub fn minutes_between(from: &Place, to: &Place, measured: &[MeasuredLeg], estimate: Estimate) -> Option<i64> {
    if from.id == to.id {
        return Some(0);
    }
    let leg = measured.iter().find(|l| (l.from, l.to) == (from.id, to.id) || (l.from, l.to) == (to.id, from.id));
    if let Some(leg) = leg {
        return Some(leg.minutes);
    }
    Some(estimated_minutes(distance_km(from.coordinates?, to.coordinates?), estimate))
}

/// Two consecutive engagements of one instructor and the trip between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leg {
    pub from: String,
    pub to: String,
    /// The trip's minutes.
    pub needed: i64,
    /// The minutes between the end of the first and the start of the second.
    pub available: i64,
}

impl Leg {
    pub fn too_short(&self) -> bool {
        self.available < self.needed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn place(label: &str, lat: f64, lon: f64) -> Place {
        Place { id: Uuid::new_v4(), label: label.into(), coordinates: Coordinates::new(lat, lon) }
    }

    #[test]
    fn paris_to_lyon_is_about_392_km_as_the_crow_flies() {
        let paris = Coordinates::new(48.8566, 2.3522).unwrap();
        let lyon = Coordinates::new(45.7640, 4.8357).unwrap();
        let km = distance_km(paris, lyon);
        assert!((390.0..395.0).contains(&km), "{km}");
        assert_eq!(distance_km(paris, paris), 0.0);
    }

    #[test]
    fn a_trip_is_estimated_with_the_detour_and_the_speed_and_rounded_up() {
        let estimate = Estimate { detour_percent: 130, speed_kmh: 25 };
        // 5 km straight → 6.5 km of road at 25 km/h = 15.6 min → 16.
        assert_eq!(estimated_minutes(5.0, estimate), 16);
        assert_eq!(estimated_minutes(0.0, estimate), 0);
        assert_eq!(estimated_minutes(5.0, Estimate { detour_percent: 100, speed_kmh: 30 }), 10);
    }

    #[test]
    fn the_schools_measure_wins_in_both_directions_and_unknown_places_say_nothing() {
        let gare = place("Gare", 47.2186, -1.5416);
        let lycee = place("Lycée", 47.2500, -1.5200);
        let nowhere = Place { id: Uuid::new_v4(), label: "Parking".into(), coordinates: None };
        let estimate = Estimate { detour_percent: DEFAULT_DETOUR_PERCENT, speed_kmh: DEFAULT_SPEED_KMH };
        let estimated = minutes_between(&gare, &lycee, &[], estimate).unwrap();
        assert!(estimated > 5 && estimated < 20, "{estimated}");
        let measured = [MeasuredLeg { from: lycee.id, to: gare.id, minutes: 22 }];
        assert_eq!(minutes_between(&gare, &lycee, &measured, estimate), Some(22));
        assert_eq!(minutes_between(&gare, &gare, &measured, estimate), Some(0));
        assert_eq!(minutes_between(&gare, &nowhere, &[], estimate), None);
        assert_eq!(Coordinates::new(91.0, 0.0), None);
    }
}
