//! The last step: one finding per service and cause (the strongest, with
//! the evidence of the others), most likely first; no cause both found
//! and ruled out; no duplicates.

use super::Out;
use crate::account::Service;
use crate::finding::{Diagnosis, Finding};

fn service_order(s: Service) -> u8 {
    match s {
        Service::Incoming => 0,
        Service::Outgoing => 1,
        Service::Store => 2,
    }
}

pub(super) fn finish(out: Out) -> Diagnosis {
    let mut findings: Vec<Finding> = Vec::new();
    for f in out.findings {
        match findings
            .iter_mut()
            .find(|g| g.service == f.service && g.cause == f.cause)
        {
            Some(existing) => {
                let (mut keep, other) = if f.confidence < existing.confidence {
                    (f, existing.clone())
                } else {
                    (existing.clone(), f)
                };
                for line in other.evidence {
                    if !keep.evidence.contains(&line) {
                        keep.evidence.push(line);
                    }
                }
                for line in other.fix {
                    if !keep.fix.contains(&line) {
                        keep.fix.push(line);
                    }
                }
                if keep.patch.is_none() {
                    keep.patch = other.patch;
                }
                *existing = keep;
            }
            None => findings.push(f),
        }
    }
    findings.sort_by_key(|f| {
        (
            f.confidence,
            service_order(f.service),
            f.cause.category,
            f.cause.number,
        )
    });

    let mut ruled_out = Vec::new();
    for r in out.ruled_out {
        let found = findings
            .iter()
            .any(|f| f.service == r.service && f.cause == r.cause);
        let dup = ruled_out
            .iter()
            .any(|x: &crate::finding::RuledOut| x.service == r.service && x.cause == r.cause);
        if !found && !dup {
            ruled_out.push(r);
        }
    }
    ruled_out.sort_by_key(|r| (service_order(r.service), r.cause.category, r.cause.number));

    let mut notes = Vec::new();
    for n in out.notes {
        if !notes.contains(&n) {
            notes.push(n);
        }
    }
    Diagnosis {
        findings,
        ruled_out,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::ids;
    use crate::diagnose::{Build, finding};
    use crate::finding::{Confidence, SettingsPatch};

    #[test]
    fn duplicates_merge_into_the_strongest_and_found_is_never_ruled_out() {
        let svc = Service::Incoming;
        let mut out = Out::default();
        out.ruled_out.push(crate::finding::RuledOut {
            service: svc,
            cause: ids::WRONG_PORT,
            reason: "early".into(),
        });
        out.add(
            finding(svc, ids::FIREWALL, Confidence::Possible, "weak")
                .ev("a")
                .fix("x"),
        );
        out.add(
            finding(svc, ids::WRONG_PORT, Confidence::Possible, "weak")
                .ev("a")
                .fix("x"),
        );
        out.add(
            finding(svc, ids::WRONG_PORT, Confidence::Certain, "strong")
                .ev("b")
                .fix("y")
                .patch(Some(SettingsPatch {
                    port: Some(993),
                    ..SettingsPatch::default()
                })),
        );
        let d = finish(out);
        assert_eq!(d.findings.len(), 2);
        let f = &d.findings[0];
        assert_eq!(
            (f.cause, f.confidence, f.title.as_str()),
            (ids::WRONG_PORT, Confidence::Certain, "strong")
        );
        assert_eq!(f.evidence, ["b", "a"]);
        assert_eq!(f.fix, ["y", "x"]);
        assert!(f.patch.is_some());
        assert!(d.ruled_out.is_empty());
    }
}
