//! The wizard's whole state. Plain data: `update` changes it, `view` reads
//! it, nothing in here does I/O.

use crate::account::{Account, Service};
use crate::catalogue::Category;
use crate::event::{RunId, Step};
use crate::evidence::{Report, TranscriptLine};
use crate::finding::Diagnosis;
use crate::plan::Scope;

use super::form::Form;
use super::keys::Action;
use super::verdict;

/// Steps and transcript lines kept per run; a misbehaving server cannot
/// make the wizard grow without bound.
pub const MAX_STEPS: usize = 2_000;
pub const MAX_TRANSCRIPT: usize = 5_000;

/// The six symptoms of the symptom screen, in order.
pub const SYMPTOMS: [Scope; 6] = [
    Scope::Everything,
    Scope::Only(Category::Connect),
    Scope::Only(Category::Login),
    Scope::Only(Category::Broken),
    Scope::Only(Category::Relay),
    Scope::Only(Category::Store),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    Account,
    Symptom,
    Probing,
    Verdict,
    /// Every step and the whole transcript of the last run (`l`).
    Log,
    Form,
}

/// One account on offer.
#[derive(Debug, Clone)]
pub struct AccountEntry {
    /// The settings as they are now (edited, fixed).
    pub account: Account,
    /// The settings as loaded or last saved, to tell what changed.
    pub loaded: Account,
    /// The demo's "what is wrong here".
    pub note: Option<String>,
    /// Made in the wizard from an e-mail address; not in the file yet.
    pub is_new: bool,
}

impl AccountEntry {
    pub fn new(account: Account, note: Option<String>) -> Self {
        AccountEntry {
            loaded: account.clone(),
            account,
            note,
            is_new: false,
        }
    }

    /// Differs from the file.
    pub fn changed(&self) -> bool {
        self.is_new || self.account != self.loaded
    }
}

/// A probe run in flight.
#[derive(Debug, Clone)]
pub struct RunState {
    pub id: RunId,
    pub account: usize,
    pub scope: Scope,
    /// The settings being checked.
    pub settings: Account,
    pub steps: Vec<Step>,
    pub transcript: Vec<(Service, TranscriptLine)>,
    pub elapsed_ms: f64,
    pub spinner: usize,
    /// Transcript lines scrolled up from the bottom (0 follows new lines).
    pub scroll: usize,
}

impl RunState {
    pub fn new(id: RunId, account: usize, scope: Scope, settings: Account) -> Self {
        RunState {
            id,
            account,
            scope,
            settings,
            steps: Vec::new(),
            transcript: Vec::new(),
            elapsed_ms: 0.0,
            spinner: 0,
            scroll: 0,
        }
    }

    /// Insert a step, or replace the one with the same id.
    pub fn record_step(&mut self, step: Step) {
        if let Some(existing) = self.steps.iter_mut().find(|s| s.id == step.id) {
            *existing = step;
        } else if self.steps.len() < MAX_STEPS {
            self.steps.push(step);
        }
    }

    pub fn record_line(&mut self, service: Service, line: TranscriptLine) {
        if self.transcript.len() >= MAX_TRANSCRIPT {
            self.transcript.remove(0);
        }
        self.transcript.push((service, line));
    }
}

/// A finished run and what `diagnose` made of it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub run: RunId,
    pub account: usize,
    pub scope: Scope,
    pub report: Report,
    pub diagnosis: Diagnosis,
}

impl Outcome {
    /// The settings that were checked (the report carries them).
    pub fn settings(&self) -> &Account {
        &self.report.account
    }
}

/// Where the verdict screen is looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerdictView {
    pub category: Category,
    /// Row in the category's cause list.
    pub cursor: usize,
    /// Lines of the selected cause's details scrolled away (PgDn).
    pub scroll: usize,
}

impl Default for VerdictView {
    fn default() -> Self {
        VerdictView {
            category: Category::Connect,
            cursor: 0,
            scroll: 0,
        }
    }
}

/// A one-line message on the status line, until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    /// Something went wrong (shown with ✗).
    pub problem: bool,
}

pub struct Model {
    pub accounts: Vec<AccountEntry>,
    /// From loading the config; shown on the account screen.
    pub warnings: Vec<String>,
    pub demo: bool,
    /// There is a config file to write to.
    pub can_save: bool,
    /// Colour as a second channel; off under `NO_COLOR`.
    pub color: bool,

    pub screen: Screen,
    pub help: bool,
    pub account_cursor: usize,
    pub symptom_cursor: usize,
    /// The account the symptom, probing and verdict screens are about.
    pub chosen: Option<usize>,

    pub run: Option<RunState>,
    /// The last finished run.
    pub last: Option<Outcome>,
    /// The run before it on the same account, for "what changed".
    pub previous: Option<Outcome>,
    pub verdict: VerdictView,
    pub log_scroll: usize,
    pub form: Option<Form>,
    pub flash: Option<Flash>,

    pub next_run: u64,
    /// Numbers the new-account form's searches.
    pub next_lookup: u64,
    pub size: (u16, u16),
    pub quit: bool,
}

impl Model {
    pub fn new(
        accounts: Vec<AccountEntry>,
        warnings: Vec<String>,
        demo: bool,
        can_save: bool,
    ) -> Self {
        Model {
            accounts,
            warnings,
            demo,
            can_save,
            color: true,
            screen: Screen::Account,
            help: false,
            account_cursor: 0,
            symptom_cursor: 0,
            chosen: None,
            run: None,
            last: None,
            previous: None,
            verdict: VerdictView::default(),
            log_scroll: 0,
            form: None,
            flash: None,
            next_run: 1,
            next_lookup: 1,
            size: (80, 24),
            quit: false,
        }
    }

    pub fn chosen_entry(&self) -> Option<&AccountEntry> {
        self.chosen.and_then(|i| self.accounts.get(i))
    }

    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    /// Something runs in the background that the screen shows turning: a
    /// probe run, or the new-account form's search.
    pub fn busy(&self) -> bool {
        self.is_running() || self.form.as_ref().is_some_and(|f| f.lookup.is_running())
    }

    /// The finished run the verdict and log screens show.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.last.as_ref()
    }

    /// The run before the last, if it was on the same account.
    pub fn compared_with(&self) -> Option<&Outcome> {
        match (&self.last, &self.previous) {
            (Some(last), Some(prev)) if last.account == prev.account => Some(prev),
            _ => None,
        }
    }

    /// Whether `action` would do something now; the footer hides the
    /// rest.
    pub fn available(&self, action: Action) -> bool {
        match action {
            Action::Fix => self.selected_patch().is_some(),
            Action::Write => match self.screen {
                Screen::Account => self
                    .accounts
                    .get(self.account_cursor)
                    .is_some_and(AccountEntry::changed),
                _ => self.chosen_entry().is_some_and(AccountEntry::changed),
            },
            Action::Edit => match self.screen {
                Screen::Account => true,
                _ => self.chosen.is_some(),
            },
            _ => true,
        }
    }

    /// The finding under the verdict cursor that carries a settings
    /// patch, with its service.
    pub fn selected_patch(&self) -> Option<(Service, &crate::finding::SettingsPatch)> {
        let outcome = self.last.as_ref()?;
        let rows = verdict::cause_rows(
            self.verdict.category,
            &outcome.diagnosis,
            self.compared_with().map(|p| &p.diagnosis),
        );
        let row = rows.get(self.verdict.cursor)?;
        row.findings.iter().find_map(|f| {
            f.patch
                .as_ref()
                .filter(|p| !p.is_empty())
                .map(|p| (f.service, p))
        })
    }
}
