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
