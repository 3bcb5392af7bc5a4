//! The cells of an Excel workbook's first sheet (Office Open XML, ECMA-376 part 1 § 18.3), read
//! from the two parts that hold them: the shared strings and the sheet. Only what a data export
//! uses is read: strings (shared or inline), numbers and booleans; formulas give their cached
//! value. The server unzips the parts.

/// One tag or one run of text of an XML document.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Open { name: &'a str, attributes: &'a str, empty: bool },
    Close(&'a str),
    Text(&'a str),
}

/// The tokens of an XML text (declarations, comments and processing instructions skipped).
fn tokens(xml: &str) -> Vec<Token<'_>> {
    let mut out = vec![];
    let mut rest = xml;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            out.push(Token::Text(rest));
            break;
        };
        if lt > 0 {
            out.push(Token::Text(&rest[..lt]));
        }
        rest = &rest[lt..];
        let end =
            if rest.starts_with("<!--") { rest.find("-->").map(|i| i + 3) } else { rest.find('>').map(|i| i + 1) };
        let Some(end) = end else { break };
        let tag = &rest[1..end - 1];
        rest = &rest[end..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            out.push(Token::Close(local(name.trim())));
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, attributes) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        out.push(Token::Open { name: local(name), attributes, empty });
    }
    out
}

/// A name without its namespace prefix (`x:c` → `c`).
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// An attribute's value, unescaped.
fn attribute(attributes: &str, wanted: &str) -> Option<String> {
    let mut rest = attributes;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next()?;
        let value_end = after[1..].find(quote)? + 1;
        if local(name) == wanted {
            return Some(unescape(&after[1..value_end]));
        }
        rest = &after[value_end + 1..];
    }
    None
}

/// Text with its entities replaced.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The shared strings (`xl/sharedStrings.xml`): each `<si>`'s text, its rich-text runs joined.
pub fn shared_strings(xml: &str) -> Vec<String> {
    let mut strings = vec![];
    let (mut current, mut in_si, mut in_t, mut in_phonetic) = (String::new(), false, false, false);
    for token in tokens(xml) {
        match token {
            Token::Open { name: "si", empty, .. } => {
                in_si = !empty;
                current.clear();
                if empty {
                    strings.push(String::new());
                }
            }
            Token::Close("si") => {
                in_si = false;
                strings.push(std::mem::take(&mut current));
            }
            // Phonetic guides (Japanese readings) are not part of the text.
            Token::Open { name: "rPh", empty: false, .. } => in_phonetic = true,
            Token::Close("rPh") => in_phonetic = false,
            Token::Open { name: "t", empty: false, .. } => in_t = in_si,
            Token::Close("t") => in_t = false,
            Token::Text(text) if in_t && !in_phonetic => current.push_str(&unescape(text)),
            _ => {}
        }
    }
    strings
}

/// The column index of a cell reference (`C7` → 2).
fn column_of(reference: &str) -> Option<usize> {
    let letters: String = reference.chars().take_while(char::is_ascii_alphabetic).collect();
    if letters.is_empty() {
        return None;
    }
    let n = letters.to_ascii_uppercase().bytes().fold(0usize, |n, b| n * 26 + usize::from(b - b'A' + 1));
    Some(n - 1)
}

/// The rows of a sheet (`xl/worksheets/sheet1.xml`), each cell at its column (gaps are empty).
pub fn sheet_rows(xml: &str, shared: &[String]) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = vec![];
    let mut row: Vec<String> = vec![];
    let (mut kind, mut column, mut value, mut in_value) = (String::new(), 0usize, String::new(), false);
    for token in tokens(xml) {
        match token {
            Token::Open { name: "row", empty, .. } => {
                row.clear();
                if empty {
                    rows.push(vec![]);
                }
            }
            Token::Close("row") => rows.push(std::mem::take(&mut row)),
            Token::Open { name: "c", attributes, empty } => {
                kind = attribute(attributes, "t").unwrap_or_default();
                column = attribute(attributes, "r").and_then(|r| column_of(&r)).unwrap_or(row.len());
                value.clear();
                if empty {
                    column += 1;
                }
            }
            Token::Open { name: "v" | "t", empty: false, .. } => in_value = true,
            Token::Close("v" | "t") => in_value = false,
            Token::Text(text) if in_value => value.push_str(&unescape(text)),
            Token::Close("c") => {
                let text = match kind.as_str() {
                    "s" => value.trim().parse::<usize>().ok().and_then(|i| shared.get(i)).cloned().unwrap_or_default(),
                    "b" => if value.trim() == "1" { "VRAI" } else { "FAUX" }.to_owned(),
                    _ => std::mem::take(&mut value),
                };
                if row.len() <= column {
                    row.resize(column + 1, String::new());
                }
                row[column] = text;
                value.clear();
            }
            _ => {}
        }
    }
    rows.retain(|r| r.iter().any(|c| !c.trim().is_empty()));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_and_inline_strings_numbers_and_gaps() {
        let shared = shared_strings(
            r#"<?xml version="1.0"?><sst xmlns="x"><si><t>Nom</t></si><si><r><t>Pré</t></r><r><t xml:space="preserve">nom</t></r></si><si><t>Dupont &amp; fils</t></si><si/></sst>"#,
        );
        assert_eq!(shared, ["Nom", "Prénom", "Dupont & fils", ""]);
        let sheet = r#"<worksheet><sheetData>
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="D1" t="inlineStr"><is><t>Né le</t></is></c></row>
            <row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="str"><f>A1</f><v>Léa</v></c><c r="D2"><v>38020</v></c></row>
            <row r="3"/>
        </sheetData></worksheet>"#;
        let rows = sheet_rows(sheet, &shared);
        assert_eq!(rows, [vec!["Nom", "Prénom", "", "Né le"], vec!["Dupont & fils", "Léa", "", "38020"]]);
    }

    #[test]
    fn references_and_entities() {
        assert_eq!(column_of("A1"), Some(0));
        assert_eq!(column_of("AB12"), Some(27));
        assert_eq!(unescape("&#233;t&#xE9; &lt;3 &unknown;"), "été <3 &unknown;");
        assert_eq!(attribute(r#"r="C3" t="s""#, "t").as_deref(), Some("s"));
    }
}
