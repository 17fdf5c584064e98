//! Just enough of a Prisma schema to find foreign keys without an index:
//! the datasource's provider, and per model its scalar fields (with their
//! place), the field lists of its relations and the leading fields of its
//! indexes (`@@index`, `@@unique`, `@@id`, and `@id`/`@unique` on a field).
//! Comments are blanked by the shared lexer first, so a commented-out
//! `@@index` does not count and a `//` inside a string is not a comment.

use crate::lexer::{self, Lang, RegionKind};

/// A field's place: file, 1-based line, byte columns of its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_column: u32,
    /// The line as written (shown under the finding).
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Model {
    pub name: String,
    /// Scalar and relation fields by name, with where they are declared.
    pub fields: Vec<(String, Place)>,
    /// Each relation's `fields: [...]`, and the relation field's place.
    pub relations: Vec<(Vec<String>, Place)>,
    /// Each index's fields, in order (a one-field `@id`/`@unique` too).
    pub indexes: Vec<Vec<String>>,
    /// The table's name in the database (`@@map`), when not the model's.
    pub table: Option<String>,
    /// Field → column (`@map`), for the fields that are renamed.
    pub columns: Vec<(String, String)>,
    /// Each `@@index`, `@@unique` and `@unique`, where it is declared.
    pub declared: Vec<DeclaredIndex>,
}

/// An index the schema asks the database for (`migrations/missing-index`).
#[derive(Debug, Clone)]
pub struct DeclaredIndex {
    pub fields: Vec<String>,
    pub unique: bool,
    /// `map:` (or `@@index`'s older `name:`): its name in the database.
    pub name: Option<String>,
    pub place: Place,
}

impl Model {
    /// The table's name in the database.
    pub fn table_name(&self) -> &str {
        self.table.as_deref().unwrap_or(&self.name)
    }

    /// A field's column in the database.
    pub fn column(&self, field: &str) -> String {
        self.columns
            .iter()
            .find(|(f, _)| f == field)
            .map_or(field, |(_, c)| c)
            .to_string()
    }
}

/// One schema: every `.prisma` file of it, read together (a schema folder
/// puts the datasource in one file and models in others).
#[derive(Debug, Default)]
pub struct Schema {
    /// The datasource's `provider` (`postgresql`, `mysql`, …).
    pub provider: Option<(String, String)>,
    pub models: Vec<Model>,
}

impl Schema {
    /// Add one file of the schema.
    pub fn add_file(&mut self, path: &str, text: &str) {
        let code = blank_comments(text);
        let mut block: Option<Block> = None;
        for (i, (line, shown)) in code.lines().zip(text.lines()).enumerate() {
            let trimmed = line.trim();
            match &mut block {
                None => block = open_block(trimmed),
                Some(_) if trimmed.starts_with('}') => {
                    if let Some(Block::Model(m)) = block.take() {
                        self.models.push(m);
                    }
                }
                Some(Block::Datasource) => {
                    if let Some(p) = provider_value(trimmed) {
                        self.provider = Some((p, path.to_string()));
                    }
                }
                Some(Block::Other) => {}
                Some(Block::Model(m)) => {
                    let place = |name: &str| {
                        let col = line.find(name).unwrap_or(0);
                        Place {
                            path: path.to_string(),
                            line: i as u32 + 1,
                            column: col as u32 + 1,
                            end_column: (col + name.len()) as u32 + 1,
                            text: shown.to_string(),
                        }
                    };
                    model_line(m, trimmed, place);
                }
            }
        }
    }

    /// Is the database PostgreSQL (the one that does not index foreign keys
    /// itself and that this rule judges)?
    pub fn is_postgresql(&self) -> bool {
        matches!(
            self.provider.as_ref().map(|(p, _)| p.as_str()),
            Some("postgresql" | "postgres")
        )
    }

    /// Every relation whose scalar fields no index starts with: the model,
    /// the foreign-key fields and the place of the first of them.
    pub fn unindexed_foreign_keys(&self) -> Vec<(&Model, &[String], &Place)> {
        let mut out = Vec::new();
        for m in &self.models {
            for (fk, relation_place) in &m.relations {
                if fk.is_empty() || m.indexes.iter().any(|ix| starts_with(ix, fk)) {
                    continue;
                }
                // Two relations over the same fields are one finding.
                if out.iter().any(|(o, f, _): &(&Model, &[String], &Place)| {
                    o.name == m.name && *f == &fk[..]
                }) {
                    continue;
                }
                let place = m
                    .fields
                    .iter()
                    .find(|(n, _)| *n == fk[0])
                    .map_or(relation_place, |(_, p)| p);
                out.push((m, &fk[..], place));
            }
        }
        out
    }
}

enum Block {
    Datasource,
    Model(Model),
    /// `generator`, `enum`, `view`, `type`: nothing to judge inside.
    Other,
}

fn open_block(line: &str) -> Option<Block> {
    let mut words = line.split_whitespace();
    let kind = words.next()?;
    let name = words.next()?;
    if !line.ends_with('{') {
        return None;
    }
    Some(match kind {
        "datasource" => Block::Datasource,
        "model" => Block::Model(Model {
            name: name.trim_end_matches('{').to_string(),
            ..Model::default()
        }),
        _ => Block::Other,
    })
}

/// `provider = "postgresql"` → `postgresql`.
fn provider_value(line: &str) -> Option<String> {
    let rest = line
        .strip_prefix("provider")?
        .trim_start()
        .strip_prefix('=')?;
    let quoted = rest.trim().strip_prefix('"')?;
    Some(quoted.split('"').next()?.to_string())
}

/// One line inside a `model` block: a block attribute or a field.
fn model_line(m: &mut Model, line: &str, place: impl Fn(&str) -> Place) {
    if let Some(attr) = line.strip_prefix("@@") {
        let kind: String = attr
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let args = &attr[kind.len()..];
        if matches!(kind.as_str(), "index" | "unique" | "id") {
            if let Some(fields) = bracket_list(args) {
                if kind != "id" {
                    let name = named_string(args, "map").or_else(|| {
                        (kind == "index")
                            .then(|| named_string(args, "name"))
                            .flatten()
                    });
                    m.declared.push(DeclaredIndex {
                        fields: fields.clone(),
                        unique: kind == "unique",
                        name,
                        place: place(&format!("@@{kind}")),
                    });
                }
                m.indexes.push(fields);
            }
        }
        if kind == "map" {
            m.table = first_string(args);
        }
        return;
    }
    let mut words = line.split_whitespace();
    let (Some(name), Some(_type)) = (words.next(), words.next()) else {
        return;
    };
    if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return;
    }
    m.fields.push((name.to_string(), place(name)));
    if has_attribute(line, "@id") || has_attribute(line, "@unique") {
        m.indexes.push(vec![name.to_string()]);
    }
    if has_attribute(line, "@unique") {
        let args = line.split_once("@unique").map_or("", |(_, a)| a);
        let args = if args.starts_with('(') { args } else { "" };
        m.declared.push(DeclaredIndex {
            fields: vec![name.to_string()],
            unique: true,
            name: named_string(args, "map"),
            place: place(name),
        });
    }
    if let Some((_, args)) = line.split_once("@map(") {
        if let Some(column) = first_string(args) {
            m.columns.push((name.to_string(), column));
        }
    }
    if let Some(at) = line.find("@relation(") {
        let args = &line[at + "@relation".len()..];
        if let Some(fields) = named_list(args, "fields") {
            m.relations.push((fields, place(name)));
        }
    }
}

/// `@id` but not `@ids`, `@unique` but not `@uniqueX`.
fn has_attribute(line: &str, attr: &str) -> bool {
    line.match_indices(attr).any(|(i, _)| {
        !line[i + attr.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// `fields: [a, b]` among a call's arguments.
fn named_list(args: &str, name: &str) -> Option<Vec<String>> {
    let mut from = 0;
    while let Some(i) = args[from..].find(name) {
        let at = from + i;
        let before_ok = at == 0
            || !args[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let rest = args[at + name.len()..].trim_start();
        if before_ok {
            if let Some(rest) = rest.strip_prefix(':') {
                return bracket_list(rest);
            }
        }
        from = at + name.len();
    }
    None
}

/// `name: "x"` among a call's arguments.
fn named_string(args: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = args[from..].find(name) {
        let at = from + i;
        let before_ok = !args[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let rest = args[at + name.len()..].trim_start();
        if let (true, Some(rest)) = (before_ok, rest.strip_prefix(':')) {
            return first_string(rest);
        }
        from = at + name.len();
    }
    None
}

/// The first quoted string of `text`, when it comes before any `)`.
fn first_string(text: &str) -> Option<String> {
    let open = text.find('"')?;
    if text[..open].contains(')') {
        return None;
    }
    let rest = &text[open + 1..];
    Some(rest[..rest.find('"')?].to_string())
}

/// The names of the first `[ … ]` list: `([a, b(sort: Desc)], map: "x")` →
/// `a`, `b`; `(fields: [a])` too.
fn bracket_list(text: &str) -> Option<Vec<String>> {
    let open = text.find('[')?;
    let mut depth = 0usize;
    let mut end = None;
    for (i, c) in text[open..].char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    end = Some(open + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let inner = &text[open + 1..end?];
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut item = String::new();
    for c in inner.chars().chain(std::iter::once(',')) {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    names.push(name);
                }
                item.clear();
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            item.push(c);
        }
    }
    Some(names)
}

/// Does an index on `index` serve lookups by `fk`: are its first
/// `fk.len()` fields the foreign key's, in any order?
pub(super) fn starts_with(index: &[String], fk: &[String]) -> bool {
    index.len() >= fk.len() && fk.iter().all(|f| index[..fk.len()].contains(f))
}

/// `text` with every comment's bytes (but newlines) replaced by spaces:
/// lines and columns stay where they were.
fn blank_comments(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for r in lexer::lex(Lang::Prisma, text) {
        if r.kind == RegionKind::Comment {
            for b in &mut bytes[r.start..r.end] {
                if *b != b'\n' && *b != b'\r' {
                    *b = b' ';
                }
            }
        }
    }
    // Whole comments were blanked, so no character was cut in half.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests;
