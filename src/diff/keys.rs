//! Environment normalization: `payments-prod-web-1` and
//! `payments-test-web-1` both become `payments-web-1`, so twins in
//! different environments match. Names are lowercased, split on anything
//! that is not a letter or digit, stripped of environment tokens and joined
//! with `-`.

use std::collections::HashSet;

pub(crate) struct Normalizer {
    tokens: HashSet<String>,
}

impl Normalizer {
    pub(crate) fn new(tokens: &[String]) -> Normalizer {
        Normalizer {
            tokens: tokens.iter().map(|t| t.to_lowercase()).collect(),
        }
    }

    pub(crate) fn normalize(&self, s: &str) -> String {
        let lower = s.to_lowercase();
        let mut out = String::with_capacity(lower.len());
        for tok in lower.split(|c: char| !c.is_alphanumeric()) {
            if tok.is_empty() || self.tokens.contains(tok) {
                continue;
            }
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(tok);
        }
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
