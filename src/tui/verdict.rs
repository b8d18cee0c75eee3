//! What the verdict screen lists, worked out from a [`Diagnosis`]: every
//! cause of a category with its state (applies, gone since the last run,
//! ruled out, not checked), ranked by how `diagnose` ordered the findings.
//! Pure, so it is tested apart from drawing.

use crate::account::Service;
use crate::catalogue::{Category, Cause, CauseId};
use crate::finding::{Confidence, Diagnosis, Finding, RuledOut};
use crate::plan::Scope;

use super::model::VerdictView;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    /// At least one finding names this cause.
    Applies,
    /// It applied in the previous run and does not now.
    Gone,
    /// The evidence excludes it.
    RuledOut,
    /// Nothing in this run speaks to it.
    NotChecked,
}

/// One numbered cause of the category on screen.
#[derive(Debug, Clone)]
pub struct CauseRow<'a> {
    pub cause: &'static Cause,
    /// The findings naming it, most likely first.
    pub findings: Vec<&'a Finding>,
    /// 1 for the category's most likely cause.
    pub rank: Option<usize>,
    pub ruled_out: Vec<&'a RuledOut>,
    /// The findings naming it in the run compared with.
    pub before: Vec<&'a Finding>,
    /// There is a previous run to compare with.
    pub compared: bool,
}

impl CauseRow<'_> {
    pub fn state(&self) -> RowState {
        if !self.findings.is_empty() {
            RowState::Applies
        } else if !self.before.is_empty() {
            RowState::Gone
        } else if !self.ruled_out.is_empty() {
            RowState::RuledOut
        } else {
            RowState::NotChecked
        }
    }

    /// Applies now and did not in the run compared with.
    pub fn is_new(&self) -> bool {
        self.compared && !self.findings.is_empty() && self.before.is_empty()
    }

    pub fn confidence(&self) -> Option<Confidence> {
        self.findings.iter().map(|f| f.confidence).min()
    }

    /// The services the findings are about, "incoming, outgoing".
    pub fn services(&self) -> Vec<Service> {
        let mut services: Vec<Service> = self.findings.iter().map(|f| f.service).collect();
        services.dedup();
        services
    }
}

/// Every cause of `category`, in catalogue order (so rows keep their
/// place across re-probes), with what this run and the one before say.
pub fn cause_rows<'a>(
    category: Category,
    diagnosis: &'a Diagnosis,
    previous: Option<&'a Diagnosis>,
) -> Vec<CauseRow<'a>> {
    let ranking = ranking(category, diagnosis);
    category
        .causes()
        .map(|cause| CauseRow {
            cause,
            findings: diagnosis
                .findings
                .iter()
                .filter(|f| f.cause == cause.id)
                .collect(),
            rank: ranking.iter().position(|id| *id == cause.id).map(|i| i + 1),
            ruled_out: diagnosis
                .ruled_out
                .iter()
                .filter(|r| r.cause == cause.id)
                .collect(),
            before: previous
                .map(|p| p.findings.iter().filter(|f| f.cause == cause.id).collect())
                .unwrap_or_default(),
            compared: previous.is_some(),
        })
        .collect()
}

/// The category's causes in the order of their first finding.
fn ranking(category: Category, diagnosis: &Diagnosis) -> Vec<CauseId> {
    let mut order = Vec::new();
    for finding in diagnosis.findings_in(category) {
        if !order.contains(&finding.cause) {
            order.push(finding.cause);
        }
    }
    order
}

/// How a category came out, for the category tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryState {
    /// This many causes apply.
    Applies(usize),
    /// Checked, and no cause applies.
    Clear,
    NotChecked,
}

pub fn category_state(category: Category, diagnosis: &Diagnosis) -> CategoryState {
    let applying = ranking(category, diagnosis).len();
    if applying > 0 {
        CategoryState::Applies(applying)
    } else if diagnosis.ruled_out_in(category).next().is_some() {
        CategoryState::Clear
    } else {
        CategoryState::NotChecked
    }
}

/// Where the verdict opens: on the category asked about (or, after
/// "check everything", the one of the most likely finding, else the one
/// where a finding of the previous run went away), with the cursor on its
/// most likely cause, else on a cause that went away.
pub fn initial_view(
    scope: Scope,
    diagnosis: &Diagnosis,
    previous: Option<&Diagnosis>,
) -> VerdictView {
    let category = match scope {
        Scope::Only(category) => category,
        Scope::Everything => diagnosis
            .findings
            .first()
            .or_else(|| previous.and_then(|p| p.findings.first()))
            .map(Finding::category)
            .unwrap_or(Category::Connect),
    };
    let gone = || {
        let rows = cause_rows(category, diagnosis, previous);
        rows.iter().position(|r| r.state() == RowState::Gone)
    };
    let cursor = if diagnosis.findings_in(category).next().is_some() {
        top_row(category, diagnosis)
    } else {
        gone().unwrap_or(0)
    };
    VerdictView {
        category,
        cursor,
        scroll: 0,
    }
}

/// Where the verdict opens after a re-probe of the same account: on the
/// category the user was looking at, the cursor on the cause they were
/// on if it went away (the point of the fix), else on the category's
/// most likely cause, else where it was.
pub fn reprobe_view(
    before: VerdictView,
    diagnosis: &Diagnosis,
    previous: &Diagnosis,
) -> VerdictView {
    let category = before.category;
    let rows = cause_rows(category, diagnosis, Some(previous));
    let cursor = match rows.get(before.cursor).map(CauseRow::state) {
        Some(RowState::Gone) => before.cursor,
        _ if diagnosis.findings_in(category).next().is_some() => top_row(category, diagnosis),
        _ => before.cursor.min(rows.len().saturating_sub(1)),
    };
    VerdictView {
        category,
        cursor,
        scroll: 0,
    }
}

/// The row of the category's most likely cause, or the first row.
pub fn top_row(category: Category, diagnosis: &Diagnosis) -> usize {
    ranking(category, diagnosis)
        .first()
        .and_then(|top| category.causes().position(|c| c.id == *top))
        .unwrap_or(0)
}

/// How many (service, cause) findings disappeared and appeared between two runs.
pub fn finding_changes(before: &Diagnosis, now: &Diagnosis) -> (usize, usize) {
    let key = |f: &Finding| (f.service, f.cause);
    let old: Vec<_> = before.findings.iter().map(key).collect();
    let new: Vec<_> = now.findings.iter().map(key).collect();
    let gone = dedup(old.iter().filter(|k| !new.contains(k)).collect());
    let appeared = dedup(new.iter().filter(|k| !old.contains(k)).collect());
    (gone, appeared)
}

fn dedup<T: PartialEq>(items: Vec<T>) -> usize {
    let mut seen: Vec<T> = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen.len()
}

/// A ruled-out reason made short for its row (the detail pane shows it
/// whole): the account's own servers are named by port or as "the
/// server", since the heading already says which they are.
pub fn short_reason(reason: &str, hosts: &[String]) -> String {
    let mut text = reason.to_owned();
    for host in hosts.iter().filter(|h| !h.is_empty()) {
        let with_port = format!("{host}:");
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(&with_port) {
            let after = &rest[at + with_port.len()..];
            let digits = after.chars().take_while(char::is_ascii_digit).count();
            out.push_str(&rest[..at]);
            if digits > 0 {
                out.push_str("port ");
                out.push_str(&after[..digits]);
                rest = &after[digits..];
            } else {
                out.push_str(&with_port);
                rest = after;
            }
        }
        out.push_str(rest);
        text = out.replace(host.as_str(), "the server");
    }
    text
}

/// How many causes of `category` apply.
pub fn applying(category: Category, diagnosis: &Diagnosis) -> usize {
    ranking(category, diagnosis).len()
}

/// The findings outside `category`, most likely first.
pub fn also_found(category: Category, diagnosis: &Diagnosis) -> Vec<&Finding> {
    diagnosis
        .findings
        .iter()
        .filter(|f| f.category() != category)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::ids;

    fn finding(service: Service, cause: CauseId, confidence: Confidence) -> Finding {
        Finding {
            service,
            cause,
            confidence,
            title: cause.title().into(),
            evidence: vec![],
            fix: vec![],
            patch: None,
        }
    }

    fn ruled(cause: CauseId) -> RuledOut {
        RuledOut {
            service: Service::Incoming,
            cause,
            reason: "seen working".into(),
        }
    }

    #[test]
    fn rows_keep_catalogue_order_and_rank_by_diagnosis_order() {
        let d = Diagnosis {
            findings: vec![
                finding(Service::Outgoing, ids::TLS_MISMATCH, Confidence::Likely),
                finding(Service::Outgoing, ids::WRONG_PORT, Confidence::Possible),
            ],
            ruled_out: vec![ruled(ids::NO_NETWORK)],
            notes: vec![],
        };
        let rows = cause_rows(Category::Connect, &d, None);
        assert_eq!(rows.len(), 7);
        let numbers: Vec<u8> = rows.iter().map(|r| r.cause.id.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(rows[5].rank, Some(1));
        assert_eq!(rows[4].rank, Some(2));
        assert_eq!(rows[0].state(), RowState::RuledOut);
        assert_eq!(rows[1].state(), RowState::NotChecked);
        assert_eq!(top_row(Category::Connect, &d), 5);
    }

    #[test]
    fn a_cause_that_applied_before_is_gone() {
        let before = Diagnosis {
            findings: vec![finding(
                Service::Outgoing,
                ids::WRONG_PORT,
                Confidence::Certain,
            )],
            ..Diagnosis::default()
        };
        let now = Diagnosis {
            ruled_out: vec![ruled(ids::WRONG_PORT)],
            ..Diagnosis::default()
        };
        let rows = cause_rows(Category::Connect, &now, Some(&before));
        assert_eq!(rows[4].state(), RowState::Gone);
        let view = initial_view(Scope::Everything, &now, Some(&before));
        assert_eq!((view.category, view.cursor), (Category::Connect, 4));
        assert_eq!(finding_changes(&before, &now), (1, 0));
        assert_eq!(
            category_state(Category::Connect, &now),
            CategoryState::Clear
        );
        assert_eq!(
            category_state(Category::Store, &now),
            CategoryState::NotChecked
        );
    }

    #[test]
    fn a_reprobe_stays_on_the_category_and_the_cause_that_went() {
        let before = Diagnosis {
            findings: vec![finding(
                Service::Outgoing,
                ids::SENDER_NOT_ALLOWED,
                Confidence::Certain,
            )],
            ..Diagnosis::default()
        };
        let now = Diagnosis {
            findings: vec![finding(
                Service::Outgoing,
                ids::BAD_CREDENTIALS,
                Confidence::Certain,
            )],
            ..Diagnosis::default()
        };
        let was = VerdictView {
            category: Category::Relay,
            cursor: 1,
            scroll: 3,
        };
        let view = reprobe_view(was, &now, &before);
        assert_eq!(
            (view.category, view.cursor, view.scroll),
            (Category::Relay, 1, 0)
        );
        // From a category where nothing went, to its most likely cause.
        let was = VerdictView {
            category: Category::Login,
            cursor: 3,
            scroll: 0,
        };
        assert_eq!(reprobe_view(was, &now, &before).cursor, 0);
    }

    #[rstest::rstest]
    #[case(
        "mail.example.org:993 accepted a connection in 1 ms",
        "port 993 accepted a connection in 1 ms"
    )]
    #[case(
        "DNS resolved mail.example.org to 192.0.2.7, and port 993 answered",
        "DNS resolved the server to 192.0.2.7, and port 993 answered"
    )]
    #[case(
        "smtp.example.org:587 refused; mail.example.org: fine",
        "port 587 refused; the server: fine"
    )]
    #[case("other.example.net:25 answered", "other.example.net:25 answered")]
    fn reasons_are_shortened_for_their_row(#[case] reason: &str, #[case] want: &str) {
        let hosts = ["mail.example.org".to_owned(), "smtp.example.org".to_owned()];
        assert_eq!(short_reason(reason, &hosts), want);
    }

    #[test]
    fn everything_opens_on_the_top_finding() {
        let d = Diagnosis {
            findings: vec![finding(
                Service::Incoming,
                ids::BAD_CREDENTIALS,
                Confidence::Certain,
            )],
            ..Diagnosis::default()
        };
        let view = initial_view(Scope::Everything, &d, None);
        assert_eq!(view.category, Category::Login);
        assert_eq!(view.cursor, 0);
        let view = initial_view(Scope::Only(Category::Relay), &d, None);
        assert_eq!(view.category, Category::Relay);
        assert_eq!(also_found(Category::Relay, &d).len(), 1);
    }
}
