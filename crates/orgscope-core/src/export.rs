//! Table export shared by `orgscope list` and the GUI's "Export": the rows
//! of a filtered, sorted index vector in chosen columns, as CSV (RFC 4180,
//! CRLF line ends, made safe to open in a spreadsheet) or as JSON (an array
//! of objects keyed by column header). Writing the bytes to disk is the
//! caller's job, through `snapshot::write_atomic`.

use std::borrow::Cow;

use crate::query::{Column, Context, cell_str};

/// Neutralise a cell a spreadsheet would run as a formula: a leading `=`,
/// `+`, `-`, `@`, tab or carriage return gets a `'` in front (OWASP's
/// advice), so `=HYPERLINK(...)` in a tag value stays text.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// One CSV field: neutralised, then quoted when it holds a comma, quote,
/// CR or LF (quotes doubled), per RFC 4180.
pub fn csv_field(cell: &str) -> Cow<'_, str> {
    let safe = neutralise(cell);
    if safe.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", safe.replace('"', "\"\"")))
    } else {
        safe
    }
}

fn csv_line(out: &mut String, cells: impl Iterator<Item = impl AsRef<str>>) {
    for (i, c) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(c.as_ref()));
    }
    out.push_str("\r\n");
}

/// Generic CSV: a header row and rows of cells.
pub fn to_csv<R, C>(headers: &[String], rows: R) -> String
where
    R: IntoIterator<Item = Vec<C>>,
    C: AsRef<str>,
{
    let mut out = String::new();
    csv_line(&mut out, headers.iter());
    for row in rows {
        csv_line(&mut out, row.iter());
    }
    out
}

/// The resources `indices` of `ctx`'s estate as CSV in `columns`.
pub fn resources_csv(ctx: &Context, indices: &[usize], columns: &[Column]) -> String {
    let mut out = String::with_capacity(64 * (indices.len() + 1));
    csv_line(&mut out, columns.iter().map(|c| c.header()));
    for r in indices
        .iter()
        .filter_map(|&i| ctx.estate().resources.get(i))
    {
        csv_line(&mut out, columns.iter().map(|c| cell_str(ctx, r, c)));
    }
    out
}

/// The same rows as a JSON array of objects (`{"type": "instance", ...}`),
/// values as strings, keys in column order.
pub fn resources_json(ctx: &Context, indices: &[usize], columns: &[Column]) -> String {
    let headers: Vec<String> = columns.iter().map(|c| c.header().into_owned()).collect();
    let rows: Vec<serde_json::Value> = indices
        .iter()
        .filter_map(|&i| ctx.estate().resources.get(i))
        .map(|r| {
            let mut obj = serde_json::Map::new();
            for (h, c) in headers.iter().zip(columns) {
                obj.insert(
                    h.clone(),
                    serde_json::Value::String(cell_str(ctx, r, c).into_owned()),
                );
            }
            serde_json::Value::Object(obj)
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::demo_estate;

    #[test]
    fn csv_fields_are_quoted_and_neutralised() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=1+2"), "'=1+2");
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            csv_field("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_field("a-b"), "a-b");
        assert_eq!(csv_field(""), "");
        assert_eq!(
            to_csv(&["k".to_string(), "v".to_string()], vec![vec!["a", "=x"]]),
            "k,v\r\na,'=x\r\n"
        );
    }

    #[test]
    fn resource_exports_have_one_row_per_index() {
        let mut e = demo_estate(11);
        e.resources[0]
            .tags
            .insert("note".into(), "=cmd|' /C calc'!A0".into());
        let ctx = Context::new(&e);
        let cols = [Column::Id, Column::Tag("note".into()), Column::Account];
        let csv = resources_csv(&ctx, &[0, 1], &cols);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "id,tag:note,account");
        assert_eq!(
            lines[1],
            format!("{},'=cmd|' /C calc'!A0,management", e.resources[0].id)
        );
        assert_eq!(lines.len(), 4); // header, 2 rows, trailing empty
        let json: serde_json::Value =
            serde_json::from_str(&resources_json(&ctx, &[0, 1], &cols)).expect("json");
        assert_eq!(json[0]["tag:note"], "=cmd|' /C calc'!A0");
        assert_eq!(json[1]["account"], "management");
        assert_eq!(json.as_array().map(Vec::len), Some(2));
    }
}
