//! The rating key editor: levels (code, label, meaning, colour, complete) and
//! dimensions, or one of the presets. A key that would drop a rating in use is refused.
//! For the area's admins and editors: anyone else is refused before their form is read.

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::response::Response;
use axum::routing::{get, post};

use super::{FormErrors, Layout, Page, saved, unprocessable};
use crate::app::App;
use crate::domain::{Error, PlanSummary, RatingScheme};
use crate::web::extract::Path;
use crate::web::session::Viewer;

/// Blank rows offered for new levels and dimensions.
const SPARE_LEVELS: usize = 2;
const SPARE_DIMENSIONS: usize = 1;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/scheme", get(show).post(update))
        .route("/plans/{plan}/scheme/preset", post(preset))
}

/// A level row of the form.
struct LevelRow {
    index: usize,
    code: String,
    label: String,
    meaning: String,
    colour: String,
    complete: bool,
}

/// A dimension row of the form.
struct DimensionRow {
    index: usize,
    key: String,
    label: String,
    levels: String,
}

/// A preset offered.
struct PresetChoice {
    code: &'static str,
    name: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "scheme/show.html")]
struct ShowPage {
    layout: Layout,
    summary: PlanSummary,
    section: &'static str,
    current: RatingScheme,
    name: String,
    levels: Vec<LevelRow>,
    dimensions: Vec<DimensionRow>,
    presets: Vec<PresetChoice>,
    errors: FormErrors,
}

fn rows(scheme: &RatingScheme) -> (Vec<LevelRow>, Vec<DimensionRow>) {
    let mut levels: Vec<LevelRow> = scheme
        .levels
        .iter()
        .enumerate()
        .map(|(index, l)| LevelRow {
            index,
            code: l.code.clone(),
            label: l.label.clone(),
            meaning: l.meaning.clone(),
            colour: l.colour.clone(),
            complete: l.complete,
        })
        .collect();
    for index in levels.len()..(levels.len() + SPARE_LEVELS) {
        levels.push(LevelRow {
            index,
            code: String::new(),
            label: String::new(),
            meaning: String::new(),
            colour: String::new(),
            complete: false,
        });
    }
    let mut dimensions: Vec<DimensionRow> = scheme
        .dimensions
        .iter()
        .enumerate()
        .map(|(index, d)| DimensionRow {
            index,
            key: d.key.clone(),
            label: d.label.clone(),
            levels: d.levels.join(", "),
        })
        .collect();
    let first_spare = dimensions.len();
    dimensions.extend((0..SPARE_DIMENSIONS).map(|i| DimensionRow {
        index: first_spare + i,
        key: String::new(),
        label: String::new(),
        levels: String::new(),
    }));
    (levels, dimensions)
}

/// The rows as typed, for showing the form again after a problem.
fn typed_rows(pairs: &[(String, String)]) -> (String, Vec<LevelRow>, Vec<DimensionRow>) {
    let get = |name: String| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let count = |prefix: &str| {
        pairs
            .iter()
            .filter_map(|(k, _)| {
                k.strip_prefix(prefix)?
                    .split_once('-')?
                    .0
                    .parse::<usize>()
                    .ok()
            })
            .max()
            .map_or(0, |n| n + 1)
    };
    let levels = (0..count("level-"))
        .map(|i| LevelRow {
            index: i,
            code: get(format!("level-{i}-code")),
            label: get(format!("level-{i}-label")),
            meaning: get(format!("level-{i}-meaning")),
            colour: get(format!("level-{i}-colour")),
            complete: !get(format!("level-{i}-complete")).is_empty(),
        })
        .collect();
    let dimensions = (0..count("dimension-"))
        .map(|i| DimensionRow {
            index: i,
            key: get(format!("dimension-{i}-key")),
            label: get(format!("dimension-{i}-label")),
            levels: get(format!("dimension-{i}-levels")),
        })
        .collect();
    (get("name".into()), levels, dimensions)
}

fn presets() -> Vec<PresetChoice> {
    RatingScheme::preset_choices()
        .into_iter()
        .map(|(code, scheme)| PresetChoice {
            code,
            summary: format!(
                "{} rated for {}",
                scheme
                    .levels
                    .iter()
                    .map(|l| format!("{} {}", l.code, l.label))
                    .collect::<Vec<_>>()
                    .join(", "),
                scheme
                    .dimensions
                    .iter()
                    .map(|d| d.label.to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            name: scheme.name,
        })
        .collect()
}

fn page(
    viewer: &Viewer,
    summary: PlanSummary,
    current: RatingScheme,
    typed: Option<&[(String, String)]>,
    errors: FormErrors,
) -> ShowPage {
    let (name, levels, dimensions) = if let Some(pairs) = typed {
        typed_rows(pairs)
    } else {
        let (levels, dimensions) = rows(&current);
        (current.name.clone(), levels, dimensions)
    };
    ShowPage {
        layout: Layout::of(viewer),
        summary,
        section: "scheme",
        current,
        name,
        levels,
        dimensions,
        presets: presets(),
        errors,
    }
}

async fn show(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<ShowPage>, Error> {
    let (summary, current) = app.rating_key(&viewer.actor, &key).await?;
    Ok(Page(page(
        &viewer,
        summary,
        current,
        None,
        FormErrors::default(),
    )))
}

async fn update(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let (summary, current) = app.rating_key(&viewer.actor, &key).await?;
    let stored = match RatingScheme::from_form(&pairs) {
        Ok(scheme) => app.update_scheme(&viewer.actor, &key, scheme).await,
        Err(err) => Err(err),
    };
    match stored {
        Ok(()) => Ok(saved(
            &viewer,
            &format!("/plans/{key}/scheme"),
            "The rating key has been saved. Every rating in the plan now reads against it.",
        )),
        Err(err) => {
            let errors = FormErrors::from_error(err)?;
            Ok(unprocessable(page(
                &viewer,
                summary,
                current,
                Some(&pairs),
                errors,
            )))
        }
    }
}

#[derive(serde::Deserialize)]
struct PresetForm {
    preset: Option<String>,
}

async fn preset(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(form): Form<PresetForm>,
) -> Result<Response, Error> {
    let (summary, current) = app.rating_key(&viewer.actor, &key).await?;
    let stored = match RatingScheme::preset(form.preset.as_deref().unwrap_or_default()) {
        Ok(scheme) => app.update_scheme(&viewer.actor, &key, scheme).await,
        Err(err) => Err(err),
    };
    match stored {
        Ok(()) => Ok(saved(
            &viewer,
            &format!("/plans/{key}/scheme"),
            "The rating key has been saved.",
        )),
        Err(err) => {
            let FormErrors(problems) = FormErrors::from_error(err)?;
            let message = problems
                .into_iter()
                .next()
                .map(|(_, m)| m)
                .unwrap_or_default();
            Ok(unprocessable(page(
                &viewer,
                summary,
                current,
                None,
                FormErrors::one("preset", message),
            )))
        }
    }
}
