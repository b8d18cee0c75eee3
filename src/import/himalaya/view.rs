//! The one place that touches `toml_edit`: a read-only view of a parsed
//! TOML document that remembers where each value was written, so type
//! errors can name the line.

use std::path::Path;

use toml_edit::{Document, Item, Value};

use super::super::ImportError;
use super::super::text::line_of;

pub(super) struct Doc {
    doc: Document<String>,
}

impl Doc {
    pub fn parse(text: &str, file: &Path) -> Result<Doc, ImportError> {
        Document::parse(text.to_owned())
            .map(|doc| Doc { doc })
            .map_err(|e| {
                let line = e.span().map_or(1, |s| line_of(text, s.start));
                let first = e.message().lines().next().unwrap_or("invalid TOML").trim();
                ImportError::syntax(file, line, format!("not valid TOML: {first}"))
            })
    }

    pub fn root<'a>(&'a self, file: &'a Path) -> Node<'a> {
        Node {
            item: self.doc.as_item(),
            key_span: None,
            path: String::new(),
            text: self.doc.raw(),
            file,
        }
    }
}

/// One value in the document, with its dotted path for messages.
#[derive(Clone)]
pub(super) struct Node<'a> {
    item: &'a Item,
    key_span: Option<std::ops::Range<usize>>,
    path: String,
    text: &'a str,
    file: &'a Path,
}

impl<'a> Node<'a> {
    /// The value at `dotted` (`"backend.auth.type"`) below this one.
    pub fn get(&self, dotted: &str) -> Option<Node<'a>> {
        let mut node = self.clone();
        for segment in dotted.split('.') {
            let (key, item) = node.item.as_table_like()?.get_key_value(segment)?;
            node = Node {
                item,
                key_span: key.span(),
                path: if node.path.is_empty() {
                    segment.to_owned()
                } else {
                    format!("{}.{segment}", node.path)
                },
                text: node.text,
                file: node.file,
            };
        }
        Some(node)
    }

    /// The keys and values of a table (empty for anything else).
    pub fn entries(&self) -> Vec<(String, Node<'a>)> {
        let Some(table) = self.item.as_table_like() else {
            return Vec::new();
        };
        table
            .iter()
            .filter_map(|(key, _)| Some((key.to_owned(), self.get_one(key)?)))
            .collect()
    }

    fn get_one(&self, key: &str) -> Option<Node<'a>> {
        let (k, item) = self.item.as_table_like()?.get_key_value(key)?;
        Some(Node {
            item,
            key_span: k.span(),
            path: if self.path.is_empty() {
                key.to_owned()
            } else {
                format!("{}.{key}", self.path)
            },
            text: self.text,
            file: self.file,
        })
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn is_table(&self) -> bool {
        self.item.is_table_like()
    }

    /// Where it was written: the value, else its key, else the first line.
    pub fn line(&self) -> usize {
        self.item
            .span()
            .or_else(|| self.key_span.clone())
            .map_or(1, |s| line_of(self.text, s.start))
    }

    pub fn error(&self, message: impl AsRef<str>) -> ImportError {
        ImportError::syntax(
            self.file,
            self.line(),
            format!("`{}` {}", self.path, message.as_ref()),
        )
    }

    fn wrong(&self, expected: &str) -> ImportError {
        self.error(format!(
            "should be {expected}, not {}",
            self.item.type_name()
        ))
    }

    pub fn as_str(&self) -> Option<&'a str> {
        self.item.as_str()
    }

    pub fn string(&self) -> Result<&'a str, ImportError> {
        self.as_str().ok_or_else(|| self.wrong("a string"))
    }

    pub fn bool(&self) -> Result<bool, ImportError> {
        self.item
            .as_bool()
            .ok_or_else(|| self.wrong("true or false"))
    }

    pub fn port(&self) -> Result<u16, ImportError> {
        let n = self
            .item
            .as_integer()
            .ok_or_else(|| self.wrong("a port number"))?;
        u16::try_from(n)
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| self.error(format!("= {n} is not a port number (1-65535)")))
    }

    /// The strings of an array, or `None` if this is not an array of strings.
    pub fn strings(&self) -> Option<Vec<String>> {
        self.item
            .as_array()?
            .iter()
            .map(|v| match v {
                Value::String(s) => Some(s.value().clone()),
                _ => None,
            })
            .collect()
    }

    pub fn opt_str(&self, dotted: &str) -> Result<Option<(String, usize)>, ImportError> {
        self.get(dotted)
            .map(|n| n.string().map(|s| (s.to_owned(), n.line())))
            .transpose()
    }

    pub fn opt_bool(&self, dotted: &str) -> Result<Option<bool>, ImportError> {
        self.get(dotted).map(|n| n.bool()).transpose()
    }

    pub fn opt_port(&self, dotted: &str) -> Result<Option<u16>, ImportError> {
        self.get(dotted).map(|n| n.port()).transpose()
    }
}
