//! The nesting limit: a filter nested exactly [`MAX_DEPTH`] deep parses and
//! evaluates like its innermost term, one level more is refused with an
//! error naming the limit, and a pasted filter of thousands of levels is
//! refused the same way instead of overflowing the stack.

use super::*;
use crate::demo::demo_estate;

/// `levels` openers of `style` around `env=prod`, closed again. Every style
/// negates an even number of times, so the whole filter means `env=prod`.
fn nested(style: &str, levels: usize) -> String {
    match style {
        "(" => format!("{}env=prod{}", "(".repeat(levels), ")".repeat(levels)),
        "-" => format!("{}env=prod", "-".repeat(levels)),
        "NOT" => format!("{}env=prod", "NOT ".repeat(levels)),
        // `(-` is two levels per repetition, so `levels` must be even.
        _ => format!(
            "{}env=prod{}",
            "(-".repeat(levels / 2),
            ")".repeat(levels / 2)
        ),
    }
}

const STYLES: [&str; 4] = ["(", "-", "NOT", "(-"];

#[test]
fn a_filter_nested_to_the_limit_parses_and_evaluates() {
    let e = demo_estate(11);
    let ctx = Context::new(&e);
    let plain = filter(&ctx, &parse("env=prod").expect("parses"), None);
    assert!(!plain.is_empty());
    for style in STYLES {
        let src = nested(style, MAX_DEPTH);
        let q = parse(&src).unwrap_or_else(|err| panic!("{style}: {err}"));
        // Both evaluators walk the whole depth: the bound fast path and the
        // reference AST evaluation.
        assert_eq!(filter(&ctx, &q, None), plain, "{style}");
        let slow: Vec<usize> = (0..e.resources.len())
            .filter(|&i| q.matches(&ctx, &e.resources[i]))
            .collect();
        assert_eq!(slow, plain, "{style}");
    }
}

#[test]
fn one_level_past_the_limit_is_refused_with_the_limit_named() {
    for style in STYLES {
        // `(-` nests two at a time: 33 of them are levels 1 to 66.
        let levels = if style == "(-" {
            MAX_DEPTH + 2
        } else {
            MAX_DEPTH + 1
        };
        let src = nested(style, levels);
        let err = parse(&src).expect_err("too deep");
        assert!(
            err.message
                .contains("nests deeper than 64 levels of '(', '-' and 'NOT'; simplify it"),
            "{style}: {err}"
        );
        // The column points at the opener that went one level too deep.
        let opener_len = match style {
            "NOT" => 4,
            _ => 1,
        };
        assert_eq!(err.col, MAX_DEPTH * opener_len + 1, "{style}: {err}");
    }
}

#[test]
fn twenty_thousand_levels_are_an_error_not_a_stack_overflow() {
    for style in STYLES {
        let src = nested(style, 20_000);
        let err = parse(&src).expect_err("too deep");
        assert!(
            err.message.contains("nests deeper than 64"),
            "{style}: {err}"
        );
    }
}

#[test]
fn the_limit_counts_nesting_not_the_number_of_groups() {
    // Many groups side by side are each one level deep.
    let src = vec!["(-(env=prod OR -has:owner))"; 2_000].join(" ");
    parse(&src).expect("siblings do not add up");
}
