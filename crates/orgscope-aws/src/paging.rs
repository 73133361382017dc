//! What every collector does the same way: follow a listing's page token
//! to the end ([`pages`]), and answer a region's one-cell-per-API
//! contract ([`each_api`], [`unknown_api`]). Six collectors had their own
//! copy of the paging loop, each with the same two guards; one copy keeps
//! them the same.
//!
//! A token seen twice, or more than [`MAX_PAGES`] pages, fails the cell
//! rather than looping: an emulator or a proxy that repeats itself must
//! not hang a run, and a listing cut short must never pass for a whole
//! one.

use std::collections::HashSet;

use super::classify::Failure;
use orgscope_core::model::{CoverageStatus, Resource};

/// What a collector lists for one API in one account-region.
pub type Listed = Result<Vec<Resource>, Failure>;

/// Pages of one listing at most: 100,000 items at a page size of 100, far
/// beyond any one account-region.
pub const MAX_PAGES: usize = 1000;

/// Every page of a listing that names its next page with a token (a
/// `Marker`, a `NextToken`, a `ContinuationToken`, DynamoDB's last table
/// name), followed to the end: an absent or empty token ends it. `call`
/// names the listing in the failure.
pub async fn pages<T, N, F, Fut>(call: &str, next: N, mut fetch: F) -> Result<Vec<T>, Failure>
where
    N: Fn(&T) -> Option<&str>,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        if out.len() >= MAX_PAGES {
            return Err(Failure::new(
                CoverageStatus::Error,
                "TooManyPages",
                format!("{call} was still paging after {MAX_PAGES} pages"),
            ));
        }
        let page = fetch(token.take()).await?;
        let following = next(&page).filter(|t| !t.is_empty()).map(str::to_string);
        out.push(page);
        match following {
            None => return Ok(out),
            Some(t) if !seen.insert(t.clone()) => {
                return Err(Failure::new(
                    CoverageStatus::Error,
                    "RepeatedPageToken",
                    format!("{call} returned the page token {t:?} twice"),
                ));
            }
            Some(t) => token = Some(t),
        }
    }
}

/// A region's results, one per API of `apis`, each read by `one`, in
/// order: a collector's `describe_region`.
pub async fn each_api<F, Fut>(
    apis: impl Iterator<Item = &'static str>,
    one: F,
) -> Vec<(&'static str, Listed)>
where
    F: Fn(&'static str) -> Fut,
    Fut: Future<Output = Listed>,
{
    let mut out = Vec::new();
    for api in apis {
        out.push((api, one(api).await));
    }
    out
}

/// The failure for an API a collector was asked to redo but does not
/// collect (a caller's bug, named rather than answered with nothing).
pub fn unknown_api(api: &str) -> Failure {
    Failure::new(
        CoverageStatus::Error,
        "UnknownApi",
        format!("orgscope does not collect {api}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorded::block_on;

    /// Pages `(items, next token)` served in order, recording the tokens
    /// asked for.
    type Page = (u32, Option<&'static str>);

    fn served<'a>(
        pages: Vec<Page>,
        asked: &'a std::sync::Mutex<Vec<Option<String>>>,
    ) -> impl FnMut(Option<String>) -> std::future::Ready<Result<Page, Failure>> + 'a {
        let mut pages = pages.into_iter();
        move |token| {
            asked.lock().map(|mut a| a.push(token)).ok();
            std::future::ready(pages.next().ok_or_else(|| {
                Failure::new(CoverageStatus::Error, "NoMorePages", "asked past the end")
            }))
        }
    }

    #[test]
    fn follows_tokens_to_an_empty_or_absent_one() {
        let asked = std::sync::Mutex::new(Vec::new());
        let got = block_on(pages(
            "List",
            |p: &(u32, Option<&str>)| p.1,
            served(vec![(1, Some("a")), (2, Some("b")), (3, Some(""))], &asked),
        ))
        .map(|p| p.iter().map(|x| x.0).collect::<Vec<_>>());
        assert_eq!(got.ok(), Some(vec![1, 2, 3]));
        let asked = asked.into_inner().unwrap_or_default();
        assert_eq!(asked, [None, Some("a".into()), Some("b".into())]);
    }

    #[test]
    fn a_repeated_token_or_a_failed_page_fails_the_listing() {
        let asked = std::sync::Mutex::new(Vec::new());
        let looping = vec![(1, Some("a")), (2, Some("b")), (3, Some("a"))];
        let f = block_on(pages(
            "List",
            |p: &(u32, Option<&str>)| p.1,
            served(looping, &asked),
        ));
        assert_eq!(
            f.err().and_then(|f| f.code).as_deref(),
            Some("RepeatedPageToken")
        );
        let asked = std::sync::Mutex::new(Vec::new());
        let f = block_on(pages(
            "List",
            |p: &(u32, Option<&str>)| p.1,
            served(vec![(1, Some("x"))], &asked),
        ));
        assert_eq!(f.err().and_then(|f| f.code).as_deref(), Some("NoMorePages"));
    }

    #[test]
    fn an_endless_listing_stops_at_the_page_limit() {
        let mut n = 0u32;
        let f = block_on(pages(
            "List",
            |p: &String| Some(p.as_str()),
            |_| {
                n += 1;
                std::future::ready(Ok(format!("t{n}")))
            },
        ));
        assert_eq!(
            f.err().and_then(|f| f.code).as_deref(),
            Some("TooManyPages")
        );
        assert_eq!(n as usize, MAX_PAGES);
    }
}
