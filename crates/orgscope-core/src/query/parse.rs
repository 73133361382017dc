//! The filter language's parser: source text to a validated [`Query`] AST,
//! with errors that name the 1-based character column and what was expected
//! there. Everything that can be checked once (resource kind names, field
//! names, CIDRs, glob patterns) is checked and compiled here, so evaluation
//! never fails and never re-parses. Kind names, field names and relation
//! names come from the descriptors (`model::kinds`), so a new kind's fields
//! and relations are filterable without touching this file. The grammar is
//! documented in `docs/filter-language.md`:
//!
//! ```text
//! expr  := and ("OR" and)*
//! and   := unary (["AND"] unary)*
//! unary := "-" unary | "NOT" unary | "(" expr ")" | term
//! term  := key ("=" | "!=") values | field ":" values | "has:" key | text
//! values:= value ("," value)*      value := bare | "quoted"
//! ```
//!
//! Nesting is bounded by [`MAX_DEPTH`], so no filter can overflow the stack
//! of the parser or of anything that walks the AST after it.

use ipnet::Ipv4Net;
use wildmatch::WildMatch;

use crate::model::{Kind, KindSet, Rel};

use super::fields::{BUILTIN_FILTERS, catalog, field_names};

/// How deeply `(`, `-` and `NOT` may nest, counted together: `((a))` is
/// 2, `-(NOT a)` is 2. The parser, the evaluators and dropping the AST all
/// recurse once per level, so without a bound a pasted or generated filter
/// of tens of thousands of `(` overflows the stack and kills the program.
/// No filter a person writes comes near 64; refusing deeper input here, at
/// parse time, keeps every later walk over the AST bounded too.
pub const MAX_DEPTH: usize = 64;

/// A parsed filter. The empty filter matches everything.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub(crate) root: Option<Expr>,
}

impl Query {
    /// True for the empty filter (matches everything).
    pub fn is_empty(&self) -> bool {
        self.root.is_none()
    }
}

/// Where and why a filter could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("col {col}: {message}")]
pub struct ParseError {
    /// 1-based character (not byte) column.
    pub col: usize,
    pub message: String,
}

#[derive(Debug, Clone)]
pub(crate) enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Term(Term),
}

/// The fields a `field:value` term can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Region,
    Account,
    Ou,
    /// The resource's VPC (itself for a VPC), by id or the VPC's name.
    Vpc,
    Name,
    Id,
    /// A descriptor field, by its index in the field catalog.
    Data(usize),
}

#[derive(Debug, Clone)]
pub(crate) enum Term {
    /// `key=v1,v2` (or `key!=...` when `negated`; a missing tag then matches).
    Tag {
        key: String,
        values: Vec<Pattern>,
        negated: bool,
    },
    Has(String),
    Type(KindSet),
    Field(Field, Vec<Pattern>),
    /// An edge of `rel` whose far end matches by id, name or kind name.
    Rel(Rel, Vec<Pattern>),
    /// A peering or Transit Gateway edge into another account whose id or
    /// name matches (see [`peer_accounts`](super::eval::peer_accounts)).
    PeerAccount(Vec<Pattern>),
    Cidr(Vec<Ipv4Net>),
    /// Lowercased free text, matched as a substring.
    Text(String),
}

/// A value to compare with: literal (ASCII case-insensitive) or a glob.
#[derive(Debug, Clone)]
pub(crate) enum Pattern {
    Exact(String),
    Glob(WildMatch),
}

impl Pattern {
    fn new(value: String, quoted: bool) -> Pattern {
        if !quoted && value.contains(['*', '?']) {
            Pattern::Glob(WildMatch::new_case_insensitive(&value))
        } else {
            Pattern::Exact(value)
        }
    }

    pub(crate) fn matches(&self, s: &str) -> bool {
        match self {
            Pattern::Exact(v) => v.eq_ignore_ascii_case(s),
            Pattern::Glob(g) => g.matches(s),
        }
    }
}

/// What the name before `:` of a term refers to.
enum Name {
    Type,
    Cidr,
    Has,
    PeerAccount,
    Field(Field),
    Rel(Rel),
}

/// Built-ins first (`cidr` is containment, not the CIDR field's text),
/// then relations (`subnet`, `sg`), then any descriptor field or alias.
fn name_of(name: &str) -> Option<Name> {
    // `-` and `_` alike, as in descriptor field names (`peer_account:`).
    let lower = name.to_ascii_lowercase().replace('_', "-");
    if BUILTIN_FILTERS.contains(&lower.as_str()) {
        return Some(match lower.as_str() {
            "type" => Name::Type,
            "peer-account" => Name::PeerAccount,
            "cidr" => Name::Cidr,
            "has" => Name::Has,
            "region" => Name::Field(Field::Region),
            "account" => Name::Field(Field::Account),
            "ou" => Name::Field(Field::Ou),
            "vpc" => Name::Field(Field::Vpc),
            "name" => Name::Field(Field::Name),
            _ => Name::Field(Field::Id),
        });
    }
    match Rel::parse_filter(name) {
        // `in-vpc:` is `vpc:`, a VPC included.
        Some(Rel::InVpc) => return Some(Name::Field(Field::Vpc)),
        Some(rel) => return Some(Name::Rel(rel)),
        None => {}
    }
    catalog().lookup(name).map(|n| Name::Field(Field::Data(n)))
}

/// Every kind name, for error messages.
fn kind_names() -> String {
    Kind::all().map(Kind::as_str).collect::<Vec<_>>().join(", ")
}

/// Parse a filter. Empty or blank input is the match-everything filter.
pub fn parse(src: &str) -> Result<Query, ParseError> {
    let mut p = Parser {
        chars: src.chars().collect(),
        pos: 0,
        depth: 0,
    };
    p.skip_ws();
    if p.at_end() {
        return Ok(Query { root: None });
    }
    let expr = p.or()?;
    p.skip_ws();
    match p.peek() {
        None => Ok(Query { root: Some(expr) }),
        Some(')') => Err(p.error_at(p.pos, "unexpected ')' with no matching '('")),
        Some(c) => Err(p.error_at(p.pos, format!("unexpected '{c}'"))),
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// `(`, `-` and `NOT` enclosing the cursor; at most [`MAX_DEPTH`].
    depth: usize,
}

/// A word as read: its text, whether it was quoted, and where it began.
struct Word {
    text: String,
    quoted: bool,
    start: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, i: usize) -> Option<char> {
        self.chars.get(self.pos + i).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn error_at(&self, pos: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            col: pos + 1,
            message: message.into(),
        }
    }

    /// A bare-word character: anything but space, quotes, parentheses,
    /// `=`, `,`, and the `!` of `!=`.
    fn is_word_char(&self, i: usize) -> bool {
        match self.chars.get(i) {
            None => false,
            Some(c) if c.is_whitespace() => false,
            Some('(' | ')' | '=' | ',' | '"') => false,
            Some('!') => self.chars.get(i + 1) != Some(&'='),
            Some(_) => true,
        }
    }

    /// The keyword at the cursor (`OR`, `AND`, `NOT`), if one stands alone there.
    fn keyword(&self) -> Option<&'static str> {
        for kw in ["OR", "AND", "NOT"] {
            let n = kw.len();
            let matches = kw
                .chars()
                .enumerate()
                .all(|(i, c)| self.peek_at(i) == Some(c));
            if matches && !self.is_word_char(self.pos + n) && self.peek_at(n) != Some('=') {
                return Some(kw);
            }
        }
        None
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.and()?];
        loop {
            self.skip_ws();
            if self.keyword() != Some("OR") {
                break;
            }
            let at = self.pos;
            self.pos += 2;
            self.skip_ws();
            if self.at_end() || self.peek() == Some(')') {
                return Err(self.error_at(
                    self.pos,
                    format!("expected a term after 'OR' (col {})", at + 1),
                ));
            }
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None | Some(')') => break,
                _ => {}
            }
            match self.keyword() {
                Some("OR") => break,
                Some("AND") => {
                    if items.is_empty() {
                        return Err(self.error_at(self.pos, "expected a term before 'AND'"));
                    }
                    self.pos += 3;
                    self.skip_ws();
                    if self.at_end() || self.peek() == Some(')') || self.keyword() == Some("OR") {
                        return Err(self.error_at(self.pos, "expected a term after 'AND'"));
                    }
                    continue;
                }
                _ => {}
            }
            items.push(self.unary()?);
        }
        match items.len() {
            0 => Err(self.error_at(
                self.pos,
                match self.peek() {
                    Some(')') => "expected a term before ')'",
                    None => "expected a term",
                    _ => "expected a term before 'OR'",
                },
            )),
            1 => Ok(items.remove(0)),
            _ => Ok(Expr::And(items)),
        }
    }

    /// Parse what `inner` reads one nesting level deeper, refusing the
    /// level past [`MAX_DEPTH`] with an error at `at`, its opener.
    fn nested<T>(
        &mut self,
        at: usize,
        inner: impl FnOnce(&mut Parser) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_at(
                at,
                format!(
                    "the filter nests deeper than {MAX_DEPTH} levels of '(', '-' and 'NOT'; simplify it"
                ),
            ));
        }
        self.depth += 1;
        let out = inner(self);
        self.depth -= 1;
        out
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.skip_ws();
        let at = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
            if !self.is_word_char(self.pos) && !matches!(self.peek(), Some('(' | '"')) {
                return Err(self.error_at(self.pos, "expected a term right after '-'"));
            }
            return self.nested(at, |p| Ok(Expr::Not(Box::new(p.unary()?))));
        }
        if self.keyword() == Some("NOT") {
            self.pos += 3;
            self.skip_ws();
            if self.at_end() || self.peek() == Some(')') {
                return Err(self.error_at(self.pos, "expected a term after 'NOT'"));
            }
            return self.nested(at, |p| Ok(Expr::Not(Box::new(p.unary()?))));
        }
        if self.peek() == Some('(') {
            self.pos += 1;
            self.skip_ws();
            if self.peek() == Some(')') {
                return Err(self.error_at(self.pos, "expected a term inside '()'"));
            }
            let inner = self.nested(at, Parser::or)?;
            self.skip_ws();
            if self.peek() != Some(')') {
                return Err(self.error_at(
                    self.pos,
                    format!("expected ')' to close the '(' at col {}", at + 1),
                ));
            }
            self.pos += 1;
            return Ok(inner);
        }
        Ok(Expr::Term(self.term()?))
    }

    /// A quoted string (`\"` and `\\` escape) or a bare word; `None` when
    /// neither starts here.
    fn word(&mut self) -> Result<Option<Word>, ParseError> {
        let start = self.pos;
        if self.peek() == Some('"') {
            self.pos += 1;
            let mut text = String::new();
            loop {
                match self.peek() {
                    None => return Err(self.error_at(start, "unterminated quote")),
                    Some('"') => {
                        self.pos += 1;
                        break;
                    }
                    Some('\\') if matches!(self.peek_at(1), Some('"' | '\\')) => {
                        text.extend(self.peek_at(1));
                        self.pos += 2;
                    }
                    Some(c) => {
                        text.push(c);
                        self.pos += 1;
                    }
                }
            }
            return Ok(Some(Word {
                text,
                quoted: true,
                start,
            }));
        }
        let mut text = String::new();
        while self.is_word_char(self.pos) {
            text.extend(self.peek());
            self.pos += 1;
        }
        Ok((!text.is_empty()).then_some(Word {
            text,
            quoted: false,
            start,
        }))
    }

    /// One or more comma-separated values after `what` (`'='`, `'type:'`).
    fn values(&mut self, what: &str) -> Result<Vec<Word>, ParseError> {
        let mut out = Vec::new();
        let mut after = what.to_string();
        loop {
            match self.word()? {
                Some(w) => out.push(w),
                None => {
                    return Err(self.error_at(self.pos, format!("expected a value after {after}")));
                }
            }
            if self.peek() != Some(',') {
                return Ok(out);
            }
            self.pos += 1;
            after = "','".to_string();
        }
    }

    fn term(&mut self) -> Result<Term, ParseError> {
        let start = self.pos;
        let Some(word) = self.word()? else {
            return Err(self.error_at(
                start,
                match self.peek() {
                    Some('=') => "expected a tag key before '='".to_string(),
                    Some('!') => "expected a tag key before '!='".to_string(),
                    Some(',') => "unexpected ','; separate alternatives as key=a,b".to_string(),
                    Some(c) => format!("unexpected '{c}'"),
                    None => "expected a term".to_string(),
                },
            ));
        };
        // key=values / key!=values
        let negated = match (self.peek(), self.peek_at(1)) {
            (Some('='), _) => Some(false),
            (Some('!'), Some('=')) => Some(true),
            _ => None,
        };
        if let Some(negated) = negated {
            let op = if negated { "'!='" } else { "'='" };
            self.pos += if negated { 2 } else { 1 };
            let values = self.values(op)?;
            return Ok(Term::Tag {
                key: word.text,
                values: values
                    .into_iter()
                    .map(|w| Pattern::new(w.text, w.quoted))
                    .collect(),
                negated,
            });
        }
        if word.quoted {
            return Ok(Term::Text(word.text.to_lowercase()));
        }
        let Some((name, rest)) = word.text.split_once(':') else {
            return Ok(Term::Text(word.text.to_lowercase()));
        };
        let Some(field) = name_of(name) else {
            return Err(self.error_at(
                word.start,
                format!(
                    "unknown field '{name}:' (fields: {}); quote it to search for the text, or write key=value for a tag",
                    field_names().join(", ")
                ),
            ));
        };
        // The value may be the rest of the word, or a quoted string.
        let value_col = word.start + name.chars().count() + 1;
        let what = format!("'{}:'", name.to_ascii_lowercase());
        let mut values = Vec::new();
        if rest.is_empty() {
            values = self.values(&what)?;
        } else {
            values.push(Word {
                text: rest.to_string(),
                quoted: false,
                start: value_col,
            });
            if self.peek() == Some(',') {
                self.pos += 1;
                values.extend(self.values("','")?);
            }
        }
        let patterns = |values: Vec<Word>| -> Vec<Pattern> {
            values
                .into_iter()
                .map(|w| Pattern::new(w.text, w.quoted))
                .collect()
        };
        match field {
            Name::Field(f) => Ok(Term::Field(f, patterns(values))),
            Name::Rel(rel) => Ok(Term::Rel(rel, patterns(values))),
            Name::PeerAccount => Ok(Term::PeerAccount(patterns(values))),
            Name::Type => values
                .into_iter()
                .map(|w| {
                    Kind::parse(&w.text).ok_or_else(|| {
                        self.error_at(
                            w.start,
                            format!("unknown resource type '{}' ({})", w.text, kind_names()),
                        )
                    })
                })
                .collect::<Result<KindSet, _>>()
                .map(Term::Type),
            Name::Cidr => values
                .into_iter()
                .map(|w| {
                    parse_cidr(&w.text).ok_or_else(|| {
                        self.error_at(
                            w.start,
                            format!("'{}' is not an IPv4 CIDR such as 10.1.0.0/16", w.text),
                        )
                    })
                })
                .collect::<Result<_, _>>()
                .map(Term::Cidr),
            Name::Has => {
                if values.len() > 1 {
                    return Err(
                        self.error_at(values[1].start, "has: takes one tag key; write has:a has:b")
                    );
                }
                let key = values.remove(0);
                if key.text.is_empty() {
                    return Err(self.error_at(key.start, "expected a tag key after 'has:'"));
                }
                Ok(Term::Has(key.text))
            }
        }
    }
}

/// `10.1.0.0/16`, or a bare address as a /32. Host bits are cleared.
pub(crate) fn parse_cidr(s: &str) -> Option<Ipv4Net> {
    // A CIDR always has a '/', so a bare address (every instance's IP when
    // the context is built) skips the failing CIDR parse.
    if s.contains('/') {
        return s.parse::<Ipv4Net>().ok().map(|net| net.trunc());
    }
    s.parse::<std::net::Ipv4Addr>()
        .ok()
        .and_then(|a| Ipv4Net::new(a, 32).ok())
}
