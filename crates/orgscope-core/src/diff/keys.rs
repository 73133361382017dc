//! Environment normalization: `payments-prod-web-1` and
//! `payments-test-web-1` both become `payments-web-1`, so twins in
//! different environments match. Names are lowercased, split on anything
//! that is not a letter or digit, stripped of environment tokens and joined
//! with `-`. ASCII names (nearly all of them) take a path that lowercases
//! while splitting and can compare two names without building either.

use std::collections::HashSet;

pub(crate) struct Normalizer {
    tokens: HashSet<String>,
    /// The same tokens (lowercased) by byte length: an ASCII word is
    /// compared with `eq_ignore_ascii_case` against the few tokens of its
    /// length, cheaper than lowercasing it into a buffer to hash.
    by_len: Vec<Vec<String>>,
}

impl Normalizer {
    pub(crate) fn new(tokens: &[String]) -> Normalizer {
        let tokens: HashSet<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
        let mut by_len: Vec<Vec<String>> = Vec::new();
        for t in &tokens {
            if by_len.len() <= t.len() {
                by_len.resize(t.len() + 1, Vec::new());
            }
            by_len[t.len()].push(t.clone());
        }
        Normalizer { tokens, by_len }
    }

    /// Is the ASCII word `tok` an environment token (case-insensitively)?
    fn is_token_ascii(&self, tok: &str) -> bool {
        self.by_len
            .get(tok.len())
            .is_some_and(|ts| ts.iter().any(|t| t.eq_ignore_ascii_case(tok)))
    }

    /// The kept (non-token) words of an ASCII `s`, not yet lowercased.
    fn kept_ascii<'s>(&self, s: &'s str) -> impl Iterator<Item = &'s str> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(move |tok| !tok.is_empty() && !self.is_token_ascii(tok))
    }

    pub(crate) fn normalize(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        self.normalize_into(s, &mut out);
        out
    }

    /// Append the normalized `s` to `out`.
    pub(crate) fn normalize_into(&self, s: &str, out: &mut String) {
        let start = out.len();
        if s.is_ascii() {
            for tok in self.kept_ascii(s) {
                if out.len() > start {
                    out.push('-');
                }
                let at = out.len();
                out.push_str(tok);
                out[at..].make_ascii_lowercase();
            }
            return;
        }
        let lower = s.to_lowercase();
        for tok in lower.split(|c: char| !c.is_alphanumeric()) {
            if tok.is_empty() || self.tokens.contains(tok) {
                continue;
            }
            if out.len() > start {
                out.push('-');
            }
            out.push_str(tok);
        }
    }

    /// `normalize(a) == normalize(b) && !normalize(a).is_empty()`, without
    /// allocating when both are ASCII.
    pub(crate) fn same_nonempty(&self, a: &str, b: &str) -> bool {
        if !(a.is_ascii() && b.is_ascii()) {
            let na = self.normalize(a);
            return !na.is_empty() && na == self.normalize(b);
        }
        let (mut x, mut y) = (self.kept_ascii(a), self.kept_ascii(b));
        let mut any = false;
        loop {
            match (x.next(), y.next()) {
                (None, None) => return any,
                (Some(p), Some(q)) if p.eq_ignore_ascii_case(q) => any = true,
                _ => return false,
            }
        }
    }

    /// `s` with each environment token (a whole word, any case) replaced
    /// by `~` and everything else kept as written: what a field that
    /// *names* things by name compares by (a trust entry
    /// `account:payments-prod`, a policy statement on
    /// `arn:aws:s3:::payments-prod-data/*`), where punctuation and case
    /// carry meaning (`s3:*` is not `s3:GetObject`) and must survive.
    pub(crate) fn mask(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            if !word.is_empty() {
                if self.tokens.contains(&word.to_lowercase()) {
                    out.push('~');
                } else {
                    out.push_str(word);
                }
                word.clear();
            }
        };
        for c in s.chars() {
            if c.is_alphanumeric() {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    /// The environment tokens a name contains (`payments-prod` → `prod`).
    pub(crate) fn env_of(&self, s: &str) -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .filter(|t| self.tokens.contains(t))
            .collect()
    }
}

/// Normalize `s` with the given environment tokens (what the diff matches on).
pub fn normalize(s: &str, env_tokens: &[String]) -> String {
    Normalizer::new(env_tokens).normalize(s)
}
