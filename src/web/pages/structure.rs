//! Editing the plan's structure: add, edit, move up or down, and remove areas,
//! objectives, actions, milestones and people. Plain forms and buttons: no script. For
//! the area's admins and editors: every handler asks the app for the outline first, so
//! anyone else is refused before their form is looked at.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::{FormErrors, Layout, Page, saved, see_other, unprocessable};
use crate::app::App;
use crate::domain::{
    Error, ItemFields, ItemForm, ItemKind, MoveDirection, PlanOutline, PlanSummary,
};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/structure", get(show))
        .route(
            "/plans/{plan}/structure/{kind}/new",
            get(new_form).post(create),
        )
        .route(
            "/plans/{plan}/structure/{kind}/{id}/edit",
            get(edit_form).post(update),
        )
        .route("/plans/{plan}/structure/{kind}/{id}/move", post(move_item))
        .route("/plans/{plan}/structure/{kind}/{id}/remove", post(remove))
}

#[derive(Template)]
#[template(path = "structure/show.html")]
struct ShowPage {
    layout: Layout,
    summary: PlanSummary,
    section: &'static str,
    outline: PlanOutline,
    errors: FormErrors,
}

impl ShowPage {
    fn new(
        viewer: &Viewer,
        summary: PlanSummary,
        outline: PlanOutline,
        errors: FormErrors,
    ) -> Self {
        Self {
            layout: Layout::of(viewer),
            summary,
            section: "structure",
            outline,
            errors,
        }
    }
}

async fn show(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<ShowPage>, Error> {
    let (summary, outline) = app.outline(&viewer.actor, &key).await?;
    Ok(Page(ShowPage::new(
        &viewer,
        summary,
        outline,
        FormErrors::default(),
    )))
}

#[derive(Template)]
#[template(path = "structure/item.html")]
struct ItemPage {
    layout: Layout,
    summary: PlanSummary,
    kind: &'static str,
    noun: &'static str,
    heading: String,
    /// Where the form posts.
    target: String,
    /// What the item sits under, in words.
    context: Option<String>,
    /// Whether the action's due date may be set here (only when adding).
    due_editable: bool,
    form: ItemForm,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
struct ParentQuery {
    parent: Option<String>,
}

impl ParentQuery {
    fn id(&self) -> Option<i64> {
        self.parent.as_deref().and_then(|p| p.trim().parse().ok())
    }
}

fn kind_of(code: &str) -> Result<ItemKind, Error> {
    ItemKind::from_code(code).map_err(|_| Error::not_found("page"))
}

/// Where a new item goes, in words, and the form prefilled with suggested numbers.
fn new_item(
    outline: &PlanOutline,
    kind: ItemKind,
    parent: Option<i64>,
) -> Result<(Option<String>, ItemForm), Error> {
    let missing = || Error::not_found("the place to add it in this plan");
    let mut form = ItemForm::default();
    let context = match kind {
        ItemKind::Area => {
            form.number = Some(outline.next_area_number().to_string());
            None
        }
        ItemKind::Person => None,
        ItemKind::Objective => {
            let area = outline
                .area(parent.ok_or_else(missing)?)
                .ok_or_else(missing)?;
            form.number = Some(outline.next_objective_number(area));
            Some(format!("In area {}", area.number))
        }
        ItemKind::Action => {
            let (area, objective) = outline
                .objective(parent.ok_or_else(missing)?)
                .ok_or_else(missing)?;
            form.reference = Some(outline.next_free_ref(area, objective));
            Some(format!(
                "In area {}, objective {}",
                area.number, objective.number
            ))
        }
        ItemKind::Milestone => {
            let (_, _, action) = outline
                .action(parent.ok_or_else(missing)?)
                .ok_or_else(missing)?;
            Some(format!("For action {}", action.label()))
        }
    };
    Ok((context, form))
}

fn new_page(
    viewer: &Viewer,
    summary: PlanSummary,
    kind: ItemKind,
    parent: Option<i64>,
    context: Option<String>,
    form: ItemForm,
    errors: FormErrors,
) -> ItemPage {
    let parent_query = parent.map(|p| format!("?parent={p}")).unwrap_or_default();
    ItemPage {
        layout: Layout::of(viewer),
        target: format!(
            "/plans/{}/structure/{}/new{parent_query}",
            summary.slug,
            kind.code()
        ),
        summary,
        kind: kind.code(),
        noun: kind.noun(),
        heading: format!(
            "Add {} {}",
            if kind == ItemKind::Area || kind == ItemKind::Action {
                "an"
            } else {
                "a"
            },
            kind.noun()
        ),
        context,
        due_editable: true,
        form,
        errors,
    }
}

async fn new_form(
    State(app): State<App>,
    viewer: Viewer,
    Path((key, kind)): Path<(String, String)>,
    Query(parent): Query<ParentQuery>,
) -> Result<Page<ItemPage>, Error> {
    let (summary, outline) = app.outline(&viewer.actor, &key).await?;
    let kind = kind_of(&kind)?;
    let (context, form) = new_item(&outline, kind, parent.id())?;
    Ok(Page(new_page(
        &viewer,
        summary,
        kind,
        parent.id(),
        context,
        form,
        FormErrors::default(),
    )))
}

async fn create(
    State(app): State<App>,
    viewer: Viewer,
    Path((key, kind)): Path<(String, String)>,
    Query(parent): Query<ParentQuery>,
    Form(form): Form<ItemForm>,
) -> Result<Response, Error> {
    let (summary, outline) = app.outline(&viewer.actor, &key).await?;
    let kind = kind_of(&kind)?;
    let added = match ItemFields::parse(kind, &form) {
        Ok(fields) => app.add_item(&viewer.actor, &key, parent.id(), fields).await,
        Err(err) => Err(err),
    };
    match added {
        Ok(id) => Ok(saved(
            &viewer,
            &format!("/plans/{key}/structure#{}-{id}", kind.code()),
            &format!("The {} has been added.", kind.noun()),
        )),
        Err(err) => {
            let errors = FormErrors::from_error(err)?;
            let (context, _) = new_item(&outline, kind, parent.id())?;
            Ok(unprocessable(new_page(
                &viewer,
                summary,
                kind,
                parent.id(),
                context,
                form,
                errors,
            )))
        }
    }
}

/// The form prefilled from the stored item, and where it sits.
fn existing_item(
    outline: &PlanOutline,
    kind: ItemKind,
    id: i64,
) -> Result<(Option<String>, String, ItemForm), Error> {
    let missing = || Error::not_found(format!("{} in this plan", kind.noun()));
    Ok(match kind {
        ItemKind::Area => {
            let area = outline.area(id).ok_or_else(missing)?;
            (
                None,
                format!("Edit area {}", area.number),
                ItemForm {
                    number: Some(area.number.to_string()),
                    title: Some(area.title.clone()),
                    heading: area.heading.clone(),
                    sponsor: area.sponsor.clone(),
                    ..ItemForm::default()
                },
            )
        }
        ItemKind::Objective => {
            let (area, objective) = outline.objective(id).ok_or_else(missing)?;
            (
                Some(format!("In area {}", area.number)),
                format!("Edit objective {}", objective.number),
                ItemForm {
                    number: Some(objective.number.clone()),
                    text: Some(objective.text.clone()),
                    ..ItemForm::default()
                },
            )
        }
        ItemKind::Action => {
            let (area, objective, action) = outline.action(id).ok_or_else(missing)?;
            (
                Some(format!(
                    "In area {}, objective {}",
                    area.number, objective.number
                )),
                format!("Edit action {}", action.label()),
                ItemForm {
                    reference: action.reference.clone(),
                    text: Some(action.text.clone()),
                    owners: Some(action.owners.join(", ")),
                    ..ItemForm::default()
                },
            )
        }
        ItemKind::Milestone => {
            let (action, milestone) = outline.milestone(id).ok_or_else(missing)?;
            (
                Some(format!("For action {}", action.label())),
                "Edit milestone".to_owned(),
                ItemForm {
                    text: Some(milestone.text.clone()),
                    due: milestone.due_text.clone(),
                    ..ItemForm::default()
                },
            )
        }
        ItemKind::Person => {
            let person = &outline.person(id).ok_or_else(missing)?.person;
            (
                None,
                format!("Edit {}", person.name),
                ItemForm {
                    initials: person.initials.clone(),
                    name: Some(person.name.clone()),
                    role: person.role.clone(),
                    organisation: person.organisation.clone(),
                    ..ItemForm::default()
                },
            )
        }
    })
}

fn edit_page(
    viewer: &Viewer,
    summary: PlanSummary,
    kind: ItemKind,
    id: i64,
    (context, heading): (Option<String>, String),
    form: ItemForm,
    errors: FormErrors,
) -> ItemPage {
    ItemPage {
        layout: Layout::of(viewer),
        target: format!(
            "/plans/{}/structure/{}/{id}/edit",
            summary.slug,
            kind.code()
        ),
        summary,
        kind: kind.code(),
        noun: kind.noun(),
        heading,
        context,
        due_editable: false,
        form,
        errors,
    }
}

async fn edit_form(
    State(app): State<App>,
    viewer: Viewer,
    Path((key, kind, id)): Path<(String, String, i64)>,
) -> Result<Page<ItemPage>, Error> {
    let (summary, outline) = app.outline(&viewer.actor, &key).await?;
    let kind = kind_of(&kind)?;
    let (context, heading, form) = existing_item(&outline, kind, id)?;
    Ok(Page(edit_page(
        &viewer,
        summary,
        kind,
        id,
        (context, heading),
        form,
        FormErrors::default(),
    )))
}

async fn update(
    State(app): State<App>,
    viewer: Viewer,
    Path((key, kind, id)): Path<(String, String, i64)>,
    Form(form): Form<ItemForm>,
) -> Result<Response, Error> {
    let (summary, outline) = app.outline(&viewer.actor, &key).await?;
    let kind = kind_of(&kind)?;
    let (context, heading, _) = existing_item(&outline, kind, id)?;
    let edited = match ItemFields::parse(kind, &form) {
        Ok(fields) => app.edit_item(&viewer.actor, &key, id, fields).await,
        Err(err) => Err(err),
    };
    match edited {
        Ok(()) => Ok(saved(
            &viewer,
            &format!("/plans/{key}/structure#{}-{id}", kind.code()),
            &format!("The {} has been saved.", kind.noun()),
        )),
        Err(err) => {
            let errors = FormErrors::from_error(err)?;
            Ok(unprocessable(edit_page(
                &viewer,
                summary,
                kind,
                id,
                (context, heading),
                form,
                errors,
            )))
        }
    }
}

#[derive(serde::Deserialize)]
struct MoveForm {
    direction: String,
}

async fn move_item(
    State(app): State<App>,
    viewer: Viewer,
    Path((key, kind, id)): Path<(String, String, i64)>,
    Form(form): Form<MoveForm>,
) -> Result<Response, Error> {
    app.outline(&viewer.actor, &key).await?;
    let kind = kind_of(&kind)?;
    let direction = MoveDirection::parse(&form.direction)?;
    app.move_item(&viewer.actor, &key, kind, id, direction)
        .await?;
    Ok(see_other(&format!(
        "/plans/{key}/structure#{}-{id}",
        kind.code()
    )))
}

/// Removes the item, or shows the structure again with why it cannot go.
async fn remove(
    State(app): State<App>,
    viewer: Viewer,
    Path((key, kind, id)): Path<(String, String, i64)>,
) -> Result<Response, Error> {
    let (summary, outline) = app.outline(&viewer.actor, &key).await?;
    let kind = kind_of(&kind)?;
    match app.remove_item(&viewer.actor, &key, kind, id).await {
        Ok(()) => Ok(saved(
            &viewer,
            &format!("/plans/{key}/structure"),
            &format!(
                "The {} has been removed. The audit trail keeps what it was.",
                kind.noun()
            ),
        )),
        Err(Error::Conflict(message)) => {
            let errors = FormErrors::one(format!("{}-{id}", kind.code()), message);
            let page = ShowPage::new(&viewer, summary, outline, errors);
            Ok((StatusCode::CONFLICT, Page(page)).into_response())
        }
        Err(other) => Err(other),
    }
}
