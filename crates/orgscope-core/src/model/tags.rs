//! Tags as AWS has them (keys case-sensitive, values possibly empty), kept
//! as one exactly-sized list of pairs sorted by key instead of a
//! `BTreeMap`.
//!
//! Why: a `BTreeMap` allocates a leaf of eleven slots (~0.55 KB) for its
//! first entry, and resources carry four tags on average. At a million
//! resources the maps cost ~0.55 GB, a quarter of the app's memory; the
//! sorted list of the same four pairs is 0.2 KB. Lookups are a binary
//! search over a handful of keys. The API is the part of `BTreeMap`'s that
//! orgscope uses, with the same semantics: iteration in key order, insert
//! replaces and returns the old value, a map in JSON (duplicate keys: the
//! last wins), equality and ordering by the sorted pairs.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tags(Vec<(String, String)>);

impl Tags {
    pub fn new() -> Tags {
        Tags(Vec::new())
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Set `key`, returning the value it replaced.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.position(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `(key, value)` in key order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.iter())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut String) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }

    /// From pairs in any order; for a repeated key the last pair wins, as
    /// when inserting them one by one. Exactly sized.
    fn from_pairs(mut pairs: Vec<(String, String)>) -> Tags {
        // Stable, so equal keys keep their order and the last can win.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, String)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        out.shrink_to_fit();
        Tags(out)
    }
}

/// Iterator over `(&key, &value)` in key order.
#[derive(Clone)]
pub struct Iter<'a>(std::slice::Iter<'a, (String, String)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a String);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Tags {
    type Item = (&'a String, &'a String);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Tags {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<(String, String)> for Tags {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Tags {
        Tags::from_pairs(iter.into_iter().collect())
    }
}

impl<const N: usize> From<[(String, String); N]> for Tags {
    fn from(pairs: [(String, String); N]) -> Tags {
        Tags::from_pairs(pairs.into())
    }
}

impl Extend<(String, String)> for Tags {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        let mut pairs = std::mem::take(&mut self.0);
        pairs.extend(iter);
        *self = Tags::from_pairs(pairs);
    }
}

impl fmt::Debug for Tags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Tags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tags, D::Error> {
        struct TagsVisitor;
        impl<'de> Visitor<'de> for TagsVisitor {
            type Value = Tags;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of tag keys to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tags, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(pair) = map.next_entry::<String, String>()? {
                    pairs.push(pair);
                }
                Ok(Tags::from_pairs(pairs))
            }
        }
        d.deserialize_map(TagsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn behaves_like_the_btreemap_it_replaced() {
        let input = pairs(&[
            ("env", "prod"),
            ("app", "pay"),
            ("env", "test"),
            ("Name", ""),
        ]);
        let tags: Tags = input.clone().into_iter().collect();
        let map: BTreeMap<String, String> = input.into_iter().collect();
        assert_eq!(
            tags.iter().collect::<Vec<_>>(),
            map.iter().collect::<Vec<_>>(),
            "same pairs, same order, last duplicate wins"
        );
        assert_eq!(tags.get("env").map(String::as_str), Some("test"));
        assert_eq!(tags.get("missing"), None);
        assert!(tags.contains_key("Name") && !tags.contains_key("name"));
        assert_eq!(tags.len(), 3);
        assert_eq!(tags.0.capacity(), 3, "exactly sized");
    }

    #[test]
    fn insert_and_remove_keep_the_order() {
        let mut tags = Tags::new();
        assert_eq!(tags.insert("b".into(), "1".into()), None);
        assert_eq!(tags.insert("a".into(), "2".into()), None);
        assert_eq!(tags.insert("b".into(), "3".into()), Some("1".into()));
        assert_eq!(tags.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(tags.remove("a"), Some("2".into()));
        assert_eq!(tags.remove("a"), None);
        assert_eq!(tags.values().collect::<Vec<_>>(), ["3"]);
    }

    #[test]
    fn json_is_a_map_and_duplicates_keep_the_last() {
        let tags: Tags = serde_json::from_str(r#"{"z": "1", "a": "", "z": "2"}"#).expect("parses");
        assert_eq!(
            serde_json::to_string(&tags).expect("writes"),
            r#"{"a":"","z":"2"}"#
        );
        let err = serde_json::from_str::<Tags>(r#"{"a": 1}"#).expect_err("a number is no tag");
        assert!(err.to_string().contains("expected a string"), "{err}");
        assert!(serde_json::from_str::<Tags>("[]").is_err());
    }

    #[test]
    fn order_and_equality_follow_the_sorted_pairs() {
        let a: Tags = pairs(&[("b", "1"), ("a", "1")]).into_iter().collect();
        let b: Tags = pairs(&[("a", "1"), ("b", "1")]).into_iter().collect();
        let c: Tags = pairs(&[("a", "2")]).into_iter().collect();
        assert_eq!(a, b);
        let am: BTreeMap<_, _> = a.clone().into_iter().collect();
        let cm: BTreeMap<_, _> = c.clone().into_iter().collect();
        assert_eq!(a.cmp(&c), am.cmp(&cm));
        let mut grown = a.clone();
        grown.extend(pairs(&[("a", "9"), ("c", "3")]));
        assert_eq!(grown.get("a").map(String::as_str), Some("9"));
        assert_eq!(grown.len(), 3);
    }
}
