//! Broken cause 2: repeated quick connects show losses or wild swings.

use super::super::facts::Facts;
use super::super::wording::{self, list};
use super::super::{Build, Out, finding};
use crate::catalogue::ids;
use crate::evidence::AttemptOutcome;
use crate::finding::Confidence;

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

pub(super) fn check(f: &Facts, out: &mut Out) {
    let svc = f.service;
    let Some(st) = f.stability else {
        return;
    };
    let n = st.attempts.len();
    if n < 2 {
        return;
    }
    let ok = st.successes();
    let mut rtts: Vec<f64> = st
        .attempts
        .iter()
        .filter(|a| a.outcome == AttemptOutcome::Ok && a.ms.is_finite())
        .map(|a| a.ms)
        .collect();
    rtts.sort_by(f64::total_cmp);
    let spread = (!rtts.is_empty()).then(|| {
        format!(
            "time to the greeting: fastest {}, median {}, slowest {}",
            wording::ms(rtts[0]),
            wording::ms(median(&rtts)),
            wording::ms(rtts[rtts.len() - 1])
        )
    });
    let target = st.endpoint.target();
    if ok > 0 && ok < n {
        let lost = n - ok;
        let mut kinds = Vec::new();
        for (label, want) in [
            ("timed out", AttemptOutcome::TimedOut),
            ("were reset", AttemptOutcome::Reset),
            ("were refused", AttemptOutcome::Refused),
            ("closed without a greeting", AttemptOutcome::Closed),
        ] {
            let c = st.attempts.iter().filter(|a| a.outcome == want).count();
            if c > 0 {
                kinds.push(format!("{c} {label}"));
            }
        }
        let other = st
            .attempts
            .iter()
            .filter(|a| matches!(a.outcome, AttemptOutcome::Other(_)))
            .count();
        if other > 0 {
            kinds.push(format!("{other} failed otherwise"));
        }
        let pct = (lost as f64 * 100.0 / n as f64).round();
        let mut fnd = finding(
            svc,
            ids::POOR_LINE,
            Confidence::Likely,
            format!(
                "The line to {} loses connections: {lost} of {n} attempts failed",
                st.endpoint.host
            ),
        )
        .ev(format!(
            "{ok} of {n} quick connects to {target} got through ({pct:.0}% lost): {}",
            list(&kinds)
        ));
        if let Some(s) = spread {
            fnd = fnd.ev(s);
        }
        out.add(
            fnd.fix("Try again later. If it keeps happening, tell your line provider (or the server's admin) about the losses, with these figures.")
                .fix("On Wi-Fi, move closer to the router or try a cable."),
        );
    } else if ok == n && n >= 3 {
        let (min, med, max) = (rtts[0], median(&rtts), rtts[rtts.len() - 1]);
        if max > 1000.0 && max > 5.0 * med {
            out.add(
                finding(svc, ids::POOR_LINE, Confidence::Possible, format!("The time to reach {} swings widely", st.endpoint.host))
                    .ev(format!("{n} of {n} quick connects to {target} got through"))
                    .evs(spread)
                    .fix("If mail is slow or times out now and then, tell your line provider about these figures."),
            );
        } else {
            out.rule_out(
                svc,
                ids::POOR_LINE,
                format!(
                    "{n} of {n} quick connects succeeded ({}–{})",
                    wording::ms(min),
                    wording::ms(max)
                ),
            );
        }
    }
}
