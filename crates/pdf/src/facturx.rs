//! Factur-X's PDF/A-3 metadata. typst writes the PDF/A-3b file with the XML attached (relationship
//! `Alternative`) and its own XMP packet; Factur-X also wants its extension schema in that packet
//! (`fx:DocumentType`, `fx:DocumentFileName`, `fx:Version`, `fx:ConformanceLevel`), declared
//! through `pdfaExtension` as PDF/A requires for a schema it does not know. The packet is replaced
//! by an incremental update (ISO 32000-1 § 7.5.6): the new metadata stream and a cross-reference
//! section pointing at it are appended; typst's bytes stay as they were. Written for the layout
//! typst 0.15 produces (a classic cross-reference table, compact dictionaries); the unit test of
//! `facturx_invoice` fails if an upgrade changes it.

use std::fmt::Write;

/// What the extension says of the embedded XML.
pub struct Conformance<'a> {
    pub file_name: &'a str,
    /// `EN 16931`, `BASIC`…
    pub level: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum XmpError {
    #[error("the PDF has no uncompressed XMP metadata stream")]
    NoMetadata,
    #[error("the PDF's trailer cannot be read: {0}")]
    Trailer(&'static str),
}

/// The PDF with the Factur-X extension schema added to its XMP metadata.
pub fn add_extension(pdf: &[u8], c: &Conformance<'_>) -> Result<Vec<u8>, XmpError> {
    let meta = find_metadata(pdf)?;
    let xmp = std::str::from_utf8(&pdf[meta.data.clone()]).map_err(|_| XmpError::NoMetadata)?;
    let close = xmp.rfind("</rdf:RDF>").ok_or(XmpError::NoMetadata)?;
    let new_xmp = format!("{}{}{}", &xmp[..close], extension(c), &xmp[close..]);
    let trailer = Trailer::read(pdf)?;

    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let offset = out.len();
    let header = format!("{} 0 obj\n<</Type/Metadata/Subtype/XML/Length {}>>\nstream\n", meta.number, new_xmp.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(new_xmp.as_bytes());
    out.extend_from_slice(b"\nendstream\nendobj\n");
    // A cross-reference table as typst writes one, for the one object replaced; the trailer
    // repeats the last one's entries and points back at it.
    let xref = out.len();
    let mut section = format!(
        "xref\n{} 1\n{offset:010} 00000 n\r\ntrailer\n<</Size {}/Root {}",
        meta.number, trailer.size, trailer.root
    );
    if let Some(info) = &trailer.info {
        let _ = write!(section, "/Info {info}");
    }
    if let Some(id) = &trailer.id {
        let _ = write!(section, "/ID{id}");
    }
    let _ = write!(section, "/Prev {}>>\nstartxref\n{xref}\n%%EOF\n", trailer.start);
    out.extend_from_slice(section.as_bytes());
    Ok(out)
}

fn extension(c: &Conformance<'_>) -> String {
    let prop = |name: &str, description: &str| {
        format!(
            "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>\
             <pdfaProperty:valueType>Text</pdfaProperty:valueType>\
             <pdfaProperty:category>external</pdfaProperty:category>\
             <pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
        )
    };
    format!(
        "<rdf:Description rdf:about=\"\" xmlns:fx=\"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#\">\
         <fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>{file}</fx:DocumentFileName>\
         <fx:Version>1.0</fx:Version><fx:ConformanceLevel>{level}</fx:ConformanceLevel></rdf:Description>\
         <rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
         xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
         <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\
         <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\
         <pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>\
         <pdfaSchema:prefix>fx</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>{}{}{}{}</rdf:Seq></pdfaSchema:property>\
         </rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>",
        prop("DocumentFileName", "The name of the embedded XML document"),
        prop("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
        prop("Version", "The actual version of the standard applying to the embedded XML document"),
        prop("ConformanceLevel", "The conformance level of the embedded XML document"),
        file = c.file_name,
        level = c.level,
    )
}

struct Metadata {
    number: u32,
    data: std::ops::Range<usize>,
}

/// The XMP stream: its object number and where its (uncompressed) data lie.
fn find_metadata(pdf: &[u8]) -> Result<Metadata, XmpError> {
    let at = find(pdf, b"/Type/Metadata", 0).ok_or(XmpError::NoMetadata)?;
    let obj = rfind(&pdf[..at], b" 0 obj").ok_or(XmpError::NoMetadata)?;
    let line_start = rfind(&pdf[..obj], b"\n").map_or(0, |p| p + 1);
    let number = std::str::from_utf8(&pdf[line_start..obj])
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .ok_or(XmpError::NoMetadata)?;
    let dict_end = find(pdf, b"stream", at).ok_or(XmpError::NoMetadata)?;
    if find(&pdf[obj..dict_end], b"/Filter", 0).is_some() {
        return Err(XmpError::NoMetadata);
    }
    let mut start = dict_end + b"stream".len();
    if pdf.get(start) == Some(&b'\r') {
        start += 1;
    }
    if pdf.get(start) == Some(&b'\n') {
        start += 1;
    }
    let end = find(pdf, b"endstream", start).ok_or(XmpError::NoMetadata)?;
    let end = if pdf.get(end - 1) == Some(&b'\n') { end - 1 } else { end };
    Ok(Metadata { number, data: start..end })
}

/// What the new section repeats of the last trailer (a classic cross-reference table's).
struct Trailer {
    start: usize,
    size: u32,
    root: String,
    info: Option<String>,
    id: Option<String>,
}

impl Trailer {
    fn read(pdf: &[u8]) -> Result<Trailer, XmpError> {
        let at = rfind(pdf, b"startxref").ok_or(XmpError::Trailer("no startxref"))?;
        let start: usize = std::str::from_utf8(&pdf[at + b"startxref".len()..])
            .ok()
            .and_then(|s| s.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .ok_or(XmpError::Trailer("bad startxref"))?;
        if !pdf.get(start..).is_some_and(|s| s.starts_with(b"xref")) {
            return Err(XmpError::Trailer("not a cross-reference table"));
        }
        let trailer = rfind(&pdf[..at], b"trailer").ok_or(XmpError::Trailer("no trailer"))?;
        let dict = String::from_utf8_lossy(&pdf[trailer..at]);
        let size = number_after(&dict, "/Size").ok_or(XmpError::Trailer("no /Size"))?;
        let root = reference_after(&dict, "/Root").ok_or(XmpError::Trailer("no /Root"))?;
        let id = dict.find("/ID").and_then(|p| {
            let rest = &dict[p + 3..];
            let open = rest.find('[')?;
            let close = rest.find(']')?;
            Some(rest[open..=close].to_owned())
        });
        Ok(Trailer { start, size, root, info: reference_after(&dict, "/Info"), id })
    }
}

fn number_after(dict: &str, key: &str) -> Option<u32> {
    let p = dict.find(key)?;
    let digits: String = dict[p + key.len()..].trim_start().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `N G R` after a key.
fn reference_after(dict: &str, key: &str) -> Option<String> {
    let p = dict.find(key)?;
    let parts: Vec<&str> = dict[p + key.len()..].split_whitespace().take(3).collect();
    (parts.len() == 3 && parts[2].starts_with('R')).then(|| format!("{} {} R", parts[0], parts[1]))
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
