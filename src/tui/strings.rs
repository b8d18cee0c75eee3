//! Every sentence and word the wizard shows, in one place, so wording stays
//! consistent and can be reviewed (or translated) without reading the
//! layout code.

use crate::account::{Service, StoreSettings};
use crate::catalogue::Category;
use crate::finding::Confidence;
use crate::plan::Scope;

pub const APP: &str = "mailfix";
pub const DEMO_MARKER: &str = "demo lab";

// ── Account screen ──────────────────────────────────────────────────────
pub const ACCOUNT_TITLE: &str = "Which account?";
pub const ACCOUNT_NEW: &str = "+ start from an e-mail address";
pub const ACCOUNT_NEW_HINT: &str = "Type your address; mailfix looks up the servers your domain publishes (SRV, MX), tries their usual ports, and fills in what answers.";
pub const ACCOUNT_NONE: &str =
    "No accounts yet. Choose \"start from an e-mail address\", or add one to the config file.";
pub const ACCOUNT_WARNING: &str = "⚠";
pub const ACCOUNT_CHANGED: &str = "changed, not saved";
pub const LABEL_INCOMING: &str = "incoming";
pub const LABEL_OUTGOING: &str = "outgoing";
pub const LABEL_STORE: &str = "store";
/// Steps about the whole account (the domain's MX).
pub const LABEL_ACCOUNT: &str = "account";
pub const LABEL_NOTE: &str = "about";
pub const NOT_SET: &str = "not set";

/// "maildir /home/alice/Mail"
pub fn store_summary(store: &StoreSettings) -> String {
    format!("{} {}", store.format.as_str(), store.path.display())
}

// ── Symptom screen ──────────────────────────────────────────────────────
pub const CHECK_EVERYTHING: &str = "Check everything";
pub const CHECK_EVERYTHING_HINT: &str = "Not sure? This looks at every cause.";

pub fn symptom_title(account: &str) -> String {
    format!("What goes wrong with \"{account}\"?")
}

/// The symptom as the person would say it.
pub fn symptom(category: Category) -> &'static str {
    match category {
        Category::Connect => "I can't connect to the server",
        Category::Login => "My password is refused",
        Category::Broken => "The connection drops in the middle",
        Category::Relay => "The server says it won't relay my mail",
        Category::Store => "Messages can't be saved",
    }
}

pub fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::Everything => "everything",
        Scope::Only(category) => symptom(category),
    }
}

// ── Probing screen ──────────────────────────────────────────────────────
pub fn probing_title(account: &str) -> String {
    format!("Checking {account}")
}
pub const THIS_COMPUTER: &str = "this computer";
pub const TRANSCRIPT_HEADING: &str = "transcript (passwords hidden)";
pub const TRANSCRIPT_EMPTY: &str = "nothing said yet";
pub const NEIGHBOURS: &str = "also tried";
pub const CANCELLED: &str = "Check cancelled.";

/// A block that went well, shrunk to its heading.
pub const BLOCK_FINE: &str = "done, nothing failed";
/// After the names of steps that went fine, merged into one row.
pub const ROWS_FINE: &str = "fine";

pub fn more_neighbours(n: usize) -> String {
    format!("+{n} more")
}

pub fn seconds(elapsed_ms: f64) -> String {
    format!("{:.1} s", elapsed_ms / 1000.0)
}

pub fn millis(ms: f64) -> String {
    if ms >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

pub fn service_label(service: Option<Service>) -> &'static str {
    match service {
        Some(Service::Incoming) => LABEL_INCOMING,
        Some(Service::Outgoing) => LABEL_OUTGOING,
        Some(Service::Store) => LABEL_STORE,
        None => THIS_COMPUTER,
    }
}

/// Short transcript prefix per service.
pub fn service_tag(service: Service) -> &'static str {
    match service {
        Service::Incoming => "in ",
        Service::Outgoing => "out",
        Service::Store => "sto",
    }
}

// ── Verdict screen ──────────────────────────────────────────────────────
pub const APPLIES: &str = "applies";
pub const LIKELY: &str = "likely";
pub const POSSIBLE: &str = "possible";
pub const RULED_OUT: &str = "ruled out";
pub const NOT_CHECKED: &str = "not checked";
pub const GONE: &str = "gone";
pub const NEW: &str = "new";
pub const NO_PROBLEM: &str = "no problem found";
pub const ALL_CLEAR: &str = "Checked everything: no problem found";
pub const PROBLEM: &str = "Problem:";
pub const NOT_CHECKED_CATEGORY: &str = "not checked in this run";
pub const EVIDENCE: &str = "evidence";
pub const FIX: &str = "fix";
pub const MEANING: &str = "means";
pub const WAS: &str = "was";
pub const ALSO_FOUND: &str = "Also found:";
pub const ALSO_FOUND_NONE: &str = "nothing in the other categories";
pub const NOTE: &str = "Note:";
pub const NOT_CHECKED_HINT: &str = "Esc, then \"Check everything\", to include it.";
pub const NO_LONGER_SEEN: &str = "no longer seen";
pub const DEADLINE_HIT: &str = "The time limit stopped some checks; results may be incomplete.";
pub const UNCATALOGUED_HINT: &str =
    "No numbered cause fits what was seen. Press x to write a report for your provider.";

pub fn confidence(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::Certain => APPLIES,
        Confidence::Likely => LIKELY,
        Confidence::Possible => POSSIBLE,
    }
}

pub fn verdict_heading(category: Category, services: &str) -> String {
    if services.is_empty() {
        category.title().to_owned()
    } else {
        format!("{} · {services}", category.title())
    }
}

pub fn fix_key_hint(patch: &str) -> String {
    format!("[f] {patch} — apply it and check again")
}

pub fn fix_key_short(patch: &str) -> String {
    format!("[f] {patch}")
}

/// On the rule above long details: how much is below.
pub fn detail_more(lines: usize) -> String {
    format!("▼ {lines} more: PgDn")
}
pub const DETAIL_TOP: &str = "▲ PgUp";

/// One finding of another category: "Login 5 Security alarm (incoming)".
pub fn also_found_item(category: &str, number: u8, title: &str, service: Service) -> String {
    format!("{category} {number} {title} ({service})")
}

pub fn reprobe_summary(gone: usize, new: usize) -> String {
    match (gone, new) {
        (0, 0) => "checked again: no change".to_owned(),
        (g, 0) => format!("checked again: {g} gone ✓"),
        (0, n) => format!("checked again: {n} new"),
        (g, n) => format!("checked again: {g} gone ✓, {n} new"),
    }
}

pub fn changed_settings(list: &str) -> String {
    format!("changed: {list}")
}

pub fn ruled_out_for(service: Service, reason: &str) -> String {
    format!("{service}: {reason}")
}

// ── Log screen ──────────────────────────────────────────────────────────
pub const LOG_TITLE: &str = "What was checked, and what was said";
pub const LOG_STEPS: &str = "Steps";
pub const LOG_TRANSCRIPT: &str = "Transcript (passwords hidden)";
pub const LOG_EMPTY: &str = "Nothing was recorded in this run.";

// ── Form ────────────────────────────────────────────────────────────────
pub fn form_title(account: &str) -> String {
    format!("Settings of \"{account}\"")
}
pub const FORM_NEW_TITLE: &str = "A new account";
pub const FORM_NEW_HINT: &str =
    "Type your address and press Enter: mailfix looks up its servers and fills them in.";
pub const FOUND_VERIFIED: &str = "found, answers";
pub const FOUND_UNVERIFIED: &str = "published, not verified";

pub fn looking_up(domain: &str) -> String {
    format!("Looking up {domain}: its DNS records (SRV, MX), then the usual ports…")
}

pub fn found(domain: &str) -> String {
    format!(
        "Filled in from what {domain} publishes and what answers. Add your password, then Enter."
    )
}

pub fn found_nothing(domain: &str) -> String {
    format!("{domain} publishes no mail server that answers; fill in what your provider says.")
}

pub fn found_nothing_for(service: &str, domain: &str) -> String {
    format!("{service}: nothing found for {domain}")
}

pub fn lookup_failed(reason: &str) -> String {
    format!("Could not look the servers up: {reason}")
}
pub const FORM_HINT: &str = "Letters you type go into the field. Enter applies, Esc cancels.";
pub const FIELD_EMAIL: &str = "e-mail address";
pub const FIELD_PROTOCOL: &str = "protocol";
pub const FIELD_HOST: &str = "server";
pub const FIELD_PORT: &str = "port";
pub const FIELD_SECURITY: &str = "security";
pub const FIELD_AUTH: &str = "login method";
pub const FIELD_USER: &str = "user name";
pub const FIELD_PASSWORD: &str = "password";
pub const PASSWORD_KEEP: &str = "(unchanged; type to replace)";
pub const PASSWORD_NONE: &str = "(none; type one)";
pub const USER_DEFAULT: &str = "(the e-mail address)";
pub const CHOICE_HINT: &str = "←→ to change";
pub const ERR_EMPTY_HOST: &str = "a server name is needed";
pub const ERR_HOST_SPACES: &str = "a server name has no spaces";
pub const ERR_PORT: &str = "a port is a number from 1 to 65535";
pub const ERR_EMAIL: &str = "an address looks like name@example.org";
pub const ERR_LINE_BREAK: &str = "no line breaks allowed";
pub const ERR_FORM: &str = "Please correct the marked field.";
pub const FORM_NO_SERVERS: &str = "This account has no servers to edit.";

// ── Messages on the status line ─────────────────────────────────────────
pub const SAVE_UNAVAILABLE: &str =
    "There is no config file to save to: the settings stay changed in this session only.";
pub const PASSWORD_NOT_SAVED: &str =
    "The typed password is not written to the file (use password_command or password_env).";
pub const SAVE_DEMO: &str =
    "The demo has no config file to save to; the change lives in this session only.";
pub const SAVE_NOTHING: &str = "Nothing changed since the settings were loaded.";
pub const NO_FIX: &str = "No one-key fix for this cause; the fix lines say what to do.";
pub const NO_REPORT_YET: &str = "Run a check first; there is nothing to report yet.";
pub const EDIT_APPLIED: &str = "Settings changed; the next check uses them.";

pub fn saved(path: &str) -> String {
    format!("Saved to {path}.")
}

pub fn save_failed(reason: &str) -> String {
    format!("Could not save: {reason}")
}

pub fn exported(path: &str) -> String {
    format!("Report written to {path}.")
}

pub fn export_failed(reason: &str) -> String {
    format!("Could not write the report: {reason}")
}

pub fn run_failed(reason: &str) -> String {
    format!("The check stopped unexpectedly ({reason}); nothing below is complete.")
}

pub fn fix_applied(patch: &str) -> String {
    format!("Applied: {patch}. Checking again…")
}

// ── Help and small terminal ─────────────────────────────────────────────
pub const HELP_TITLE: &str = " Keys ";
pub const HELP_FOOTER: &str = "q, Esc or ? closes this help";
pub const HELP_LEGEND: &str = "● applies  ✓ fine or ruled out  ✗ failed  · not yet  ⠙ running";
pub const HELP_ABOUT: &str =
    "mailfix checks your mail account step by step and names the numbered cause of the trouble.";

pub fn too_small(width: u16, height: u16) -> [String; 3] {
    [
        "Please enlarge the terminal.".to_owned(),
        format!("mailfix needs at least 80×24; this one is {width}×{height}."),
        "q quits".to_owned(),
    ]
}

// ── Key descriptions (the help screen and the footer) ───────────────────
pub mod keys {
    pub const MOVE: &str = "choose";
    pub const NEXT: &str = "next";
    pub const BACK: &str = "back";
    pub const QUIT: &str = "quit";
    pub const HELP: &str = "help";
    pub const EDIT: &str = "edit";
    pub const FIX: &str = "fix";
    pub const REPROBE: &str = "recheck";
    pub const WRITE: &str = "save";
    pub const EXPORT: &str = "report";
    pub const LOG: &str = "log";
    pub const CATEGORY: &str = "category";
    pub const SCROLL: &str = "scroll";
    pub const FIELD: &str = "field";
    pub const APPLY: &str = "apply";
    pub const CANCEL: &str = "cancel";
    pub const CHANGE: &str = "change";
    pub const DETAILS: &str = "details";
    pub const NEW: &str = "new";

    pub const MOVE_LONG: &str = "move the selection";
    pub const NEXT_LONG: &str = "go on with the selected item";
    pub const BACK_LONG: &str = "go back one screen (cancels a check in progress)";
    pub const QUIT_LONG: &str = "leave mailfix";
    pub const HELP_LONG: &str = "show or hide this help";
    pub const EDIT_LONG: &str = "edit the account's settings";
    pub const FIX_LONG: &str = "apply the selected cause's fix and check again";
    pub const REPROBE_LONG: &str = "check again (stops a check in progress)";
    pub const WRITE_LONG: &str = "save changed settings to the config file";
    pub const EXPORT_LONG: &str = "write a Markdown report to send to your provider";
    pub const LOG_LONG: &str = "show every step and the transcript";
    pub const CATEGORY_LONG: &str = "show another category's causes";
    pub const SCROLL_LONG: &str = "scroll the transcript";
    pub const FIELD_LONG: &str = "move to the next or previous field";
    pub const APPLY_LONG: &str = "apply the settings (and check again after a check)";
    pub const CANCEL_LONG: &str = "leave the form without changing anything";
    pub const CHANGE_LONG: &str = "change a choice (protocol, security, login method)";
    pub const DETAILS_LONG: &str = "scroll the selected cause's evidence and fix";
    pub const NEW_LONG: &str = "start a new account from an e-mail address";
    pub const HOME_LONG: &str = "go to the first item";
    pub const END_LONG: &str = "go to the last item";
    pub const FORCE_QUIT_LONG: &str = "leave mailfix from anywhere";
}
