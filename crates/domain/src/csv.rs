//! CSV as French spreadsheets open it: `;` between fields, UTF-8, a field quoted when it holds
//! `;`, `"` or a line break. The one writer of the exports and the fiscal archives.

/// A field, quoted when needed.
pub fn field(value: &str) -> String {
    if value.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A record's fields joined, without its line feed.
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    fields.iter().map(|f| field(f.as_ref())).collect::<Vec<_>>().join(";")
}

/// A whole file for Excel: the byte-order mark (so that it reads UTF-8), the header, the rows.
pub fn excel_file<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&record(header));
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&record(row));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("Martin"), "Martin");
        assert_eq!(field("Forfait; code"), "\"Forfait; code\"");
        assert_eq!(field("Leçon \"B\""), "\"Leçon \"\"B\"\"\"");
        assert_eq!(record(&["a", "b;c"]), "a;\"b;c\"");
        assert!(excel_file(&["x"], &[vec!["1"]]).starts_with("\u{feff}x\r\n1\r\n"));
    }
}
