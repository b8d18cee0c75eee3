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

/// A diagnosis of one certain finding.
fn found(service: Service, cause: CauseId) -> Diagnosis {
    Diagnosis {
        findings: vec![finding(service, cause, Confidence::Certain)],
        ..Diagnosis::default()
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
    let before = found(Service::Outgoing, ids::WRONG_PORT);
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
    let before = found(Service::Outgoing, ids::SENDER_NOT_ALLOWED);
    let now = found(Service::Outgoing, ids::BAD_CREDENTIALS);
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
    let d = found(Service::Incoming, ids::BAD_CREDENTIALS);
    let view = initial_view(Scope::Everything, &d, None);
    assert_eq!(view.category, Category::Login);
    assert_eq!(view.cursor, 0);
    let view = initial_view(Scope::Only(Category::Relay), &d, None);
    assert_eq!(view.category, Category::Relay);
    assert_eq!(also_found(Category::Relay, &d).len(), 1);
}
