use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    Instructor, InstructorInput, InstructorUpdate, repo,
    service::{self, visible},
};
use crate::{
    auth::{Ctx, Permission, Viewer},
    error::AppResult,
    http::{
        created,
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        patch, path_id,
    },
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub agency_id: Option<Uuid>,
    pub active: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Instructors by name: all of them for the office, their own record for an instructor, and for
/// a student the names of the instructors who teach them.
#[utoipa::path(operation_id = "instructors_list", get, path = "/instructors", tag = "instructors", params(ListQuery),
    responses((status = 200, body = Page<Instructor>), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Page<Instructor>>> {
    let limit = page::limit(q.limit)?;
    let mut work = ctx.begin(&state, Permission::ReadInstructors).await?;
    let only = match work.viewer {
        Viewer::Office => None,
        Viewer::Instructor(own) => Some(own),
        // A student (or their guardian) sees the instructors who teach them: their referent.
        Viewer::Student(student) => {
            Some(repo::referent_of_student(&mut work, ctx.tenant_id, student).await?.unwrap_or_default())
        }
        Viewer::Nobody => Some(Uuid::nil()),
    };
    let filter = repo::Filter {
        agency_id: q.agency_id,
        active: q.active,
        only,
        after: page::decode_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let rows = repo::list(&mut work, ctx.tenant_id, &filter).await?;
    let work_viewer = work.viewer;
    work.commit().await?;
    let rows = if matches!(work_viewer, Viewer::Student(_)) {
        rows.into_iter().map(Instructor::names_only).collect()
    } else {
        rows
    };
    Ok(Json(page::paginate(rows, limit, |i| (i.last_name.clone(), i.first_name.clone(), i.id))))
}

/// Adds an instructor.
#[utoipa::path(operation_id = "instructors_create", post, path = "/instructors", tag = "instructors", request_body = InstructorInput,
    responses((status = 201, body = Instructor), (status = 400), (status = 401), (status = 403)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageInstructors).await?;
    let input: InstructorInput = body.parse()?;
    let saved = service::create_instructor(&mut work, input).await?;
    work.commit().await?;
    Ok(created(saved))
}

/// One instructor (the office, or the instructor themself).
#[utoipa::path(operation_id = "instructors_get_one", get, path = "/instructors/{id}", tag = "instructors", params(("id" = Uuid, Path)),
    responses((status = 200, body = Instructor), (status = 401), (status = 403), (status = 404)))]
async fn get_one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Instructor>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadInstructors).await?;
    let found = visible(&mut work, id, false).await?;
    work.commit().await?;
    Ok(Json(found))
}

/// Changes an instructor; `active: false` deactivates one who leaves.
#[utoipa::path(operation_id = "instructors_update", patch, path = "/instructors/{id}", tag = "instructors", params(("id" = Uuid, Path)), request_body = InstructorUpdate,
    responses((status = 200, body = Instructor), (status = 400), (status = 401), (status = 403), (status = 404), (status = 412)))]
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Instructor>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageInstructors).await?;
    let before = visible(&mut work, id, true).await?;
    let input = patch::apply(&before.input(), before.version, &before, &body)?;
    let after = service::update_instructor(&mut work, before, input).await?;
    work.commit().await?;
    Ok(Json(after))
}
