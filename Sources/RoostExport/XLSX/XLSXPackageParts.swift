/// The fixed parts of an Office Open XML workbook around the sheets.
enum XLSXPackageParts {
    static let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"

    /// Style indexes in `cellXfs`.
    enum Style {
        static let normal = 0
        static let bold = 1
        static let date = 2
        static let boldDate = 3
    }

    static func contentTypes(sheetCount: Int, sharedStrings: Bool) -> String {
        let part = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        var xml = header + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        xml += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        xml += #"<Default Extension="xml" ContentType="application/xml"/>"#
        xml += #"<Override PartName="/xl/workbook.xml" ContentType="\#(part).sheet.main+xml"/>"#
        xml += #"<Override PartName="/xl/styles.xml" ContentType="\#(part).styles+xml"/>"#
        if sharedStrings {
            xml += #"<Override PartName="/xl/sharedStrings.xml" ContentType="\#(part).sharedStrings+xml"/>"#
        }
        for index in 1...max(1, sheetCount) {
            xml += #"<Override PartName="/xl/worksheets/sheet\#(index).xml" ContentType="\#(part).worksheet+xml"/>"#
        }
        return xml + "</Types>"
    }

    static let rootRelationships = header + #"<Relationships xmlns="\#(packageRelationships)">"#
        + #"<Relationship Id="rId1" Type="\#(relationshipNamespace)/officeDocument" Target="xl/workbook.xml"/>"#
        + "</Relationships>"

    static func workbook(sheetNames: [String]) -> String {
        var xml = header + #"<workbook xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)"><sheets>"#
        for (index, name) in sheetNames.enumerated() {
            xml += #"<sheet name="\#(XMLText.escaped(name))" sheetId="\#(index + 1)" r:id="rId\#(index + 1)"/>"#
        }
        return xml + "</sheets></workbook>"
    }

    static func workbookRelationships(sheetCount: Int, sharedStrings: Bool) -> String {
        var xml = header + #"<Relationships xmlns="\#(packageRelationships)">"#
        for index in 1...max(1, sheetCount) {
            xml += #"<Relationship Id="rId\#(index)" Type="\#(relationshipNamespace)/worksheet" "#
                + #"Target="worksheets/sheet\#(index).xml"/>"#
        }
        xml += #"<Relationship Id="rId\#(sheetCount + 1)" Type="\#(relationshipNamespace)/styles" Target="styles.xml"/>"#
        if sharedStrings {
            xml += #"<Relationship Id="rId\#(sheetCount + 2)" Type="\#(relationshipNamespace)/sharedStrings" "#
                + #"Target="sharedStrings.xml"/>"#
        }
        return xml + "</Relationships>"
    }

    /// Fonts 0 (regular) and 1 (bold); formats: normal, bold, date, bold date.
    static func styles(dateFormat: String) -> String {
        let font = #"<sz val="11"/><name val="Calibri"/><family val="2"/>"#
        var xml = header + #"<styleSheet xmlns="\#(mainNamespace)">"#
        xml += #"<numFmts count="1"><numFmt numFmtId="164" formatCode="\#(XMLText.escaped(dateFormat))"/></numFmts>"#
        xml += #"<fonts count="2"><font>\#(font)</font><font><b/>\#(font)</font></fonts>"#
        xml += #"<fills count="2"><fill><patternFill patternType="none"/></fill>"#
            + #"<fill><patternFill patternType="gray125"/></fill></fills>"#
        xml += #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        xml += #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        xml += #"<cellXfs count="4">"#
        xml += #"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        xml += #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#
        xml += #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        xml += #"<xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>"#
        xml += "</cellXfs>"
        xml += #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
        return xml + "</styleSheet>"
    }
}
