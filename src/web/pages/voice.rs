//! The voice of children, young people and families: quotes and "you said, we did",
//! with the forms to add them, and the public "you said, we did" page for families.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::form::{FormError, area_numbers, error_for, on_field, optional_day, optional_small};
use super::{Layout, Page};
use crate::app::App;
use crate::domain::{
    ActionRef, Error, LinkedAction, PartialDate, PlanSummary, PlanTree, Quote, ResponseStatus,
    Result, Segment, Sentiment, Speaker, VoiceSource, YouSaidWeDid,
};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/voice", get(index))
        .route("/plans/{plan}/voice/quotes", post(add_quote))
        .route("/plans/{plan}/voice/you-said-we-did", post(add_entry))
        .route("/plans/{plan}/you-said-we-did", get(public))
}

/// A quote as the page shows it.
struct QuoteView {
    text: Vec<Segment>,
    who: String,
    source: &'static str,
    date: Option<String>,
    sentiment: Sentiment,
    areas: Vec<u32>,
    actions: Vec<LinkedAction>,
    consent: bool,
}

/// A "you said, we did" entry as pages show it.
struct EntryView {
    you_said: Vec<Segment>,
    we_did: Vec<Segment>,
    status: ResponseStatus,
    reason: Option<Vec<Segment>>,
    actions: Vec<LinkedAction>,
    date: Option<String>,
}

fn entries(plan: &PlanTree) -> Vec<EntryView> {
    plan.you_said_we_did
        .iter()
        .map(|e| EntryView {
            you_said: plan.abbreviate(&e.you_said),
            we_did: plan.abbreviate(&e.we_did),
            status: e.status,
            reason: e.reason.as_deref().map(|r| plan.abbreviate(r)),
            actions: plan.linked_actions(&e.actions),
            date: e.date.map(|d| PartialDate::Day(d).to_uk()),
        })
        .collect()
}

/// What was typed into the quote form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct QuoteForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    speaker: String,
    #[serde(default)]
    year_group: String,
    #[serde(default)]
    age: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    sentiment: String,
    #[serde(default)]
    areas: String,
    #[serde(default)]
    actions: String,
    #[serde(default)]
    consent: Option<String>,
}

/// What was typed into the "you said, we did" form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct EntryForm {
    #[serde(default)]
    you_said: String,
    #[serde(default)]
    we_did: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    actions: String,
    #[serde(default)]
    date: String,
}

#[derive(Template)]
#[template(path = "voice/index.html")]
struct IndexPage {
    layout: Layout,
    /// Whether the forms to add a quote and an entry are shown.
    can_edit: bool,
    summary: PlanSummary,
    quotes: Vec<QuoteView>,
    entries: Vec<EntryView>,
    quote: QuoteForm,
    entry: EntryForm,
    error: Option<FormError>,
    /// The plan's actions, for the pickers.
    choices: Vec<super::form::ActionChoice>,
}

impl IndexPage {
    #[expect(clippy::unused_self, reason = "templates call methods on the page")]
    fn chosen(&self, chosen: &str, value: &str) -> bool {
        super::form::is_chosen(chosen, value)
    }

    fn error_for(&self, form: &str, field: &str) -> Option<&str> {
        error_for(self.error.as_ref(), form, field)
    }

    #[expect(clippy::unused_self, reason = "templates call methods on the page")]
    fn speakers(&self) -> [Speaker; 3] {
        Speaker::ALL
    }

    #[expect(clippy::unused_self, reason = "templates call methods on the page")]
    fn sources(&self) -> [VoiceSource; 4] {
        VoiceSource::ALL
    }

    #[expect(clippy::unused_self, reason = "templates call methods on the page")]
    fn sentiments(&self) -> [Sentiment; 3] {
        Sentiment::ALL
    }

    #[expect(clippy::unused_self, reason = "templates call methods on the page")]
    fn statuses(&self) -> [ResponseStatus; 3] {
        ResponseStatus::ALL
    }
}

fn index_page(
    app: &App,
    viewer: &Viewer,
    summary: PlanSummary,
    plan: &PlanTree,
    quote: QuoteForm,
    entry: EntryForm,
    error: Option<FormError>,
) -> IndexPage {
    IndexPage {
        layout: Layout::of(viewer),
        can_edit: app.may_edit_plan(&viewer.actor, &summary),
        quotes: plan
            .voice
            .iter()
            .map(|q| QuoteView {
                text: plan.abbreviate(&q.text),
                who: q.who(),
                source: q.source.label(),
                date: q.date.map(|d| PartialDate::Day(d).to_uk()),
                sentiment: q.sentiment,
                areas: q.areas.clone(),
                actions: plan.linked_actions(&q.actions),
                consent: q.consent,
            })
            .collect(),
        entries: entries(plan),
        choices: super::form::action_choices(plan),
        quote,
        entry,
        error,
        summary,
    }
}

async fn index(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<IndexPage>, Error> {
    let (summary, plan) = app.plan(&viewer.actor, &key).await?;
    Ok(Page(index_page(
        &app,
        &viewer,
        summary,
        &plan,
        QuoteForm::default(),
        EntryForm::default(),
        None,
    )))
}

fn quote_of(form: &QuoteForm) -> Result<Quote> {
    let speaker = Speaker::from_code(&form.speaker)?;
    let source = VoiceSource::from_code(&form.source)?;
    let mut quote = Quote::new(form.text.trim(), speaker, source);
    if form.text.trim().is_empty() {
        return Err(Error::invalid("text", "enter what was said"));
    }
    quote.year_group = optional_small("year_group", &form.year_group, "the year group")?;
    quote.age = optional_small("age", &form.age, "the age")?;
    quote.date = optional_day("date", &form.date)?;
    quote.sentiment = if form.sentiment.is_empty() {
        Sentiment::NotStated
    } else {
        Sentiment::from_code(&form.sentiment)?
    };
    quote.areas = area_numbers("areas", &form.areas)?;
    quote.actions = ActionRef::parse_list(&form.actions).map_err(|e| on_field("actions", e))?;
    if form.consent.is_none() {
        return Err(Error::invalid(
            "consent",
            "confirm that the person agreed to their words being used",
        ));
    }
    quote.consent = true;
    quote.validate()?;
    Ok(quote)
}

async fn add_quote(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let form: QuoteForm = super::form::joined_form(pairs, "actions")?;
    // Who may add is settled before the form is read.
    app.plan_to_edit(&viewer.actor, &key).await?;
    let added = match quote_of(&form) {
        Ok(quote) => app.add_quote(&viewer.actor, &key, quote).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match added {
        Ok(()) => Ok(super::saved(
            &viewer,
            &format!("/plans/{key}/voice"),
            "The quote has been added.",
        )),
        Err(err) => {
            let error = FormError::from_error("quote", err)?;
            let (summary, plan) = app.plan(&viewer.actor, &key).await?;
            let page = index_page(
                &app,
                &viewer,
                summary,
                &plan,
                form,
                EntryForm::default(),
                Some(error),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
    }
}

fn entry_of(form: &EntryForm) -> Result<YouSaidWeDid> {
    let status = ResponseStatus::from_code(&form.status)?;
    let entry = YouSaidWeDid {
        id: None,
        you_said: form.you_said.trim().to_owned(),
        we_did: form.we_did.trim().to_owned(),
        status,
        reason: Some(form.reason.trim().to_owned()).filter(|r| !r.is_empty()),
        actions: ActionRef::parse_list(&form.actions).map_err(|e| on_field("actions", e))?,
        date: optional_day("date", &form.date)?,
    };
    entry.validate()?;
    Ok(entry)
}

async fn add_entry(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let form: EntryForm = super::form::joined_form(pairs, "actions")?;
    app.plan_to_edit(&viewer.actor, &key).await?;
    let added = match entry_of(&form) {
        Ok(entry) => app
            .add_you_said_we_did(&viewer.actor, &key, entry)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match added {
        Ok(()) => Ok(super::saved(
            &viewer,
            &format!("/plans/{key}/voice#you-said-we-did"),
            "The \"you said, we did\" entry has been added.",
        )),
        Err(err) => {
            let error = FormError::from_error("entry", err)?;
            let (summary, plan) = app.plan(&viewer.actor, &key).await?;
            let page = index_page(
                &app,
                &viewer,
                summary,
                &plan,
                QuoteForm::default(),
                form,
                Some(error),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "voice/public.html")]
struct PublicPage {
    layout: Layout,
    summary: PlanSummary,
    entries: Vec<EntryView>,
}

/// "You said, we did" for families: plain words, no names. Anyone may read it once the
/// plan is published; before then only the area's members (and advisers), as a preview.
async fn public(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<PublicPage>, Error> {
    let (summary, plan) = app.plan(&viewer.actor, &key).await?;
    Ok(Page(PublicPage {
        layout: Layout::of(&viewer),
        entries: entries(&plan),
        summary,
    }))
}
