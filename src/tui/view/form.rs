//! Screen 5: the settings form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::account::{Service, email_domain};

use super::super::form::{Field, FieldId, FieldValue, FormTarget, Lookup, Part};
use super::super::model::Model;
use super::super::strings as s;
use super::super::theme::Theme;
use super::widgets::{SPINNER, app_header, cut};

const LABEL_WIDTH: usize = 16;
/// Columns before a field's value: margin, marker, label.
const VALUE_X: u16 = 4 + LABEL_WIDTH as u16;

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(form) = &model.form else {
        return;
    };
    let [top, hint, _, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let title = match form.target {
        FormTarget::New => s::FORM_NEW_TITLE.to_owned(),
        FormTarget::Existing(_) => s::form_title(&form.base.name),
    };
    app_header(frame, top, &title, false, theme);
    let hint_line = match form.error {
        Some(error) => Line::from(Span::styled(format!(" ✗ {error}"), theme.bad())),
        None => lookup_line(&form.lookup, form.target, form.spinner, area.width, theme),
    };
    frame.render_widget(Paragraph::new(hint_line), hint);

    let value_width = usize::from(body.width.saturating_sub(VALUE_X + 1));
    let mut lines = Vec::new();
    let mut cursor = None;
    let mut section = None;
    for (i, field) in form.fields.iter().enumerate() {
        let service = field.id.service();
        if service != section && service.is_some() {
            section = service;
            lines.push(Line::from(Span::styled(
                format!(" {}", s::service_label(service)),
                theme.title(),
            )));
        }
        let focused = i == form.focus;
        let marker = if focused { " ▶ " } else { "   " };
        let (value, x) = field_text(field, focused, value_width, theme);
        if focused {
            cursor = x.map(|x| (body.x + VALUE_X + x, body.y + lines.len() as u16));
        }
        let label_style = if focused { theme.title() } else { theme.dim() };
        let mut spans = vec![
            Span::raw(marker),
            Span::styled(
                format!("{:<w$} ", field.id.label(), w = LABEL_WIDTH),
                label_style,
            ),
        ];
        spans.extend(value);
        if let Some(error) = field.error {
            spans.push(Span::styled(format!("  ✗ {error}"), theme.bad()));
        } else if let (Lookup::Done(found), FieldId::Server(service, Part::Host)) =
            (&form.lookup, field.id)
            && let Some(proposal) = found.proposal(service)
        {
            let (glyph, word, style) = if proposal.verified {
                ("✓", s::FOUND_VERIFIED, theme.ok())
            } else {
                ("?", s::FOUND_UNVERIFIED, theme.applies())
            };
            spans.push(Span::styled(format!("  {glyph} {word}"), style));
        }
        lines.push(Line::from(spans));
    }
    // Under the fields, as room allows: why the search proposed what it did.
    if let Lookup::Done(found) = &form.lookup {
        let width = usize::from(body.width);
        for service in [Service::Incoming, Service::Outgoing] {
            let text = match found.proposal(service) {
                Some(p) => format!("{service}: {}", p.evidence.join("; ")),
                None => s::found_nothing_for(service.as_str(), &found.domain),
            };
            lines.push(Line::from(Span::styled(
                cut(&format!(" {text}"), width),
                theme.dim(),
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), body);
    if let Some(pos) = cursor
        && !model.help
        && pos.1 < body.y + body.height
    {
        frame.set_cursor_position(pos);
    }
}

/// The line under the title: how the search for a new account's servers
/// stands, or what typing does.
fn lookup_line(
    lookup: &Lookup,
    target: FormTarget,
    spinner: usize,
    width: u16,
    theme: Theme,
) -> Line<'static> {
    let width = usize::from(width).saturating_sub(4);
    let (glyph, text, style) = match lookup {
        Lookup::Idle if target == FormTarget::New => ("", s::FORM_NEW_HINT.to_owned(), theme.dim()),
        Lookup::Idle => ("", s::FORM_HINT.to_owned(), theme.dim()),
        Lookup::Running { email, .. } => (
            SPINNER[spinner % SPINNER.len()],
            s::looking_up(email_domain(email).as_deref().unwrap_or(email)),
            theme.running(),
        ),
        Lookup::Done(found) if found.incoming.is_some() || found.outgoing.is_some() => {
            ("✓", s::found(&found.domain), theme.ok())
        }
        Lookup::Done(found) => ("✗", s::found_nothing(&found.domain), theme.applies()),
        Lookup::Failed { reason, .. } => ("✗", s::lookup_failed(reason), theme.bad()),
    };
    if glyph.is_empty() {
        return Line::from(Span::styled(format!(" {}", cut(&text, width)), theme.dim()));
    }
    Line::from(vec![
        Span::raw(" "),
        Span::styled(glyph, style),
        Span::styled(format!(" {}", cut(&text, width)), theme.dim()),
    ])
}

/// The value as shown, and where the text cursor goes (columns from the
/// value's start) for text fields.
fn field_text(
    field: &Field,
    focused: bool,
    width: usize,
    theme: Theme,
) -> (Vec<Span<'static>>, Option<u16>) {
    match &field.value {
        FieldValue::Text(input) => {
            let scroll = input.visual_scroll(width);
            let shown: String = input.value().chars().skip(scroll).collect();
            let x = input.visual_cursor().saturating_sub(scroll) as u16;
            let mut spans = vec![Span::raw(cut(&shown, width))];
            if input.value().is_empty() && !focused {
                match field.id {
                    FieldId::Email => spans = vec![Span::styled("name@example.org", theme.dim())],
                    FieldId::Server(_, Part::User) => {
                        spans = vec![Span::styled(s::USER_DEFAULT, theme.dim())]
                    }
                    _ => {}
                }
            }
            (spans, Some(x))
        }
        FieldValue::Password(pw) => {
            if pw.is_empty() {
                let hint = if pw.existing {
                    s::PASSWORD_KEEP
                } else {
                    s::PASSWORD_NONE
                };
                (vec![Span::styled(hint, theme.dim())], Some(0))
            } else {
                let n = pw.len().min(width);
                (vec![Span::raw("*".repeat(n))], Some(n as u16))
            }
        }
        choice => {
            let label = choice.choice_label().unwrap_or_default();
            let mut spans = vec![
                Span::styled("◂ ", theme.dim()),
                Span::styled(label, theme.key()),
                Span::styled(" ▸", theme.dim()),
            ];
            if focused {
                spans.push(Span::styled(format!("   {}", s::CHOICE_HINT), theme.dim()));
            }
            (spans, None)
        }
    }
}
