//! Test support: a paged call answered from recorded pages, for the
//! collectors whose paging moto does not exercise (it ignores the page
//! size of Cost Explorer, the Tagging API and IAM's details call), and a
//! runtime to drive one future.

use std::sync::Mutex;

use orgscope_core::model::CoverageStatus;

use super::Failure;

/// A fetch that serves `pages` in order and records the tokens (markers)
/// it was asked for; asked past the last page, it fails the way a broken
/// paging loop should be seen to.
pub(crate) fn recorded_results<'a, T: 'a>(
    pages: Vec<Result<T, Failure>>,
    asked: &'a Mutex<Vec<Option<String>>>,
) -> impl FnMut(Option<String>) -> std::future::Ready<Result<T, Failure>> + 'a {
    let mut pages = pages.into_iter();
    move |token| {
        asked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(token);
        std::future::ready(pages.next().unwrap_or_else(|| {
            Err(Failure::new(
                CoverageStatus::Error,
                "NoMorePages",
                "asked past the last page",
            ))
        }))
    }
}

/// [`recorded_results`] of pages that all answer.
pub(crate) fn recorded<'a, T: 'a>(
    pages: Vec<T>,
    asked: &'a Mutex<Vec<Option<String>>>,
) -> impl FnMut(Option<String>) -> std::future::Ready<Result<T, Failure>> + 'a {
    recorded_results(pages.into_iter().map(Ok).collect(), asked)
}

pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
    match tokio::runtime::Builder::new_current_thread().build() {
        Ok(rt) => rt.block_on(f),
        Err(e) => panic!("a current-thread runtime: {e}"),
    }
}
