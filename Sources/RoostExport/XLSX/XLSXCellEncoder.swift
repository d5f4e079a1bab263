import Foundation

/// Turns rows of ``XLSXCell`` into worksheet XML, and keeps the shared-string table when
/// the workbook uses one.
struct XLSXCellEncoder {
    private var sharedStrings = false
    private var strip = false
    private var timeZone = TimeZone.gmt
    private var fixedOffset: Double? = 0
    private var columnLetters: [[UInt8]] = []
    private var sharedIndex: [String: Int] = [:]
    private var sharedEscaped: [[UInt8]] = []

    /// Seconds from 1899-12-30 (Excel's day zero) to 1970-01-01.
    private static let excelEpochOffset = 25_569.0 * 86_400

    mutating func configure(_ options: XLSXWriter.Options) {
        sharedStrings = options.stringStorage == .shared
        strip = options.invalidCharacters == .strip
        timeZone = options.timeZone
        // Zones without daylight saving have one offset: no per-date lookup needed.
        fixedOffset =
            timeZone.nextDaylightSavingTimeTransition == nil ? Double(timeZone.secondsFromGMT()) : nil
    }

    /// Appends the `<c>` elements of `row` (row number `rowNumber`) to `buffer`.
    mutating func append(
        _ row: [XLSXCell], rowNumber: Int, bold: Bool, sheet: String, to buffer: inout [UInt8]
    ) throws(XLSXError) {
        let number = Array(String(rowNumber).utf8)
        for (column, cell) in row.enumerated() {
            if case .empty = cell { continue }
            buffer.append(contentsOf: #"<c r=""#.utf8)
            buffer.append(contentsOf: letters(column))
            buffer.append(contentsOf: number)
            buffer.append(UInt8(ascii: "\""))
            switch cell {
            case .string(let text):
                if sharedStrings {
                    let index = try shared(text, sheet: sheet, row: rowNumber, column: column + 1)
                    buffer.append(contentsOf: #" t="s""#.utf8)
                    appendStyle(bold ? XLSXPackageParts.Style.bold : nil, to: &buffer)
                    buffer.append(contentsOf: "><v>".utf8)
                    buffer.append(contentsOf: String(index).utf8)
                    buffer.append(contentsOf: "</v></c>".utf8)
                } else {
                    buffer.append(contentsOf: #" t="inlineStr""#.utf8)
                    appendStyle(bold ? XLSXPackageParts.Style.bold : nil, to: &buffer)
                    buffer.append(contentsOf: "><is>".utf8)
                    buffer.append(contentsOf: XLSXText.open(text))
                    if let bad = XMLText.appendEscaped(text, to: &buffer, strip: strip) {
                        throw XLSXError(.invalidCharacter(sheet: sheet, row: rowNumber, column: column + 1, scalar: bad))
                    }
                    buffer.append(contentsOf: "</t></is></c>".utf8)
                }
            case .integer(let value):
                appendValue(String(value), style: bold ? XLSXPackageParts.Style.bold : nil, to: &buffer)
            case .number(let value):
                guard value.isFinite else {
                    throw XLSXError(.invalidNumber(sheet: sheet, row: rowNumber, column: column + 1))
                }
                appendValue(value.description, style: bold ? XLSXPackageParts.Style.bold : nil, to: &buffer)
            case .bool(let value):
                buffer.append(contentsOf: #" t="b""#.utf8)
                appendValue(value ? "1" : "0", style: bold ? XLSXPackageParts.Style.bold : nil, to: &buffer)
            case .date(let date):
                let offset = fixedOffset ?? Double(timeZone.secondsFromGMT(for: date))
                let serial = (date.timeIntervalSince1970 + offset + Self.excelEpochOffset) / 86_400
                let style = bold ? XLSXPackageParts.Style.boldDate : XLSXPackageParts.Style.date
                appendValue(serial.description, style: style, to: &buffer)
            case .empty:
                break
            }
        }
    }

    private mutating func letters(_ column: Int) -> [UInt8] {
        while columnLetters.count <= column { columnLetters.append(CellReference.columnLetters(columnLetters.count)) }
        return columnLetters[column]
    }

    private func appendStyle(_ style: Int?, to buffer: inout [UInt8]) {
        guard let style else { return }
        buffer.append(contentsOf: #" s=""#.utf8)
        buffer.append(contentsOf: String(style).utf8)
        buffer.append(UInt8(ascii: "\""))
    }

    private func appendValue(_ text: String, style: Int?, to buffer: inout [UInt8]) {
        appendStyle(style, to: &buffer)
        buffer.append(contentsOf: "><v>".utf8)
        buffer.append(contentsOf: text.utf8)
        buffer.append(contentsOf: "</v></c>".utf8)
    }

    private mutating func shared(_ text: String, sheet: String, row: Int, column: Int) throws(XLSXError) -> Int {
        if let index = sharedIndex[text] { return index }
        var escaped: [UInt8] = []
        if let bad = XMLText.appendEscaped(text, to: &escaped, strip: strip) {
            throw XLSXError(.invalidCharacter(sheet: sheet, row: row, column: column, scalar: bad))
        }
        let index = sharedEscaped.count
        sharedIndex[text] = index
        sharedEscaped.append(XLSXText.open(text) + escaped)  // "<t…>text"
        return index
    }

    /// Writes `xl/sharedStrings.xml`.
    func writeSharedStrings(to url: URL) throws(XLSXError) {
        var xml = Array((XLSXPackageParts.header + #"<sst xmlns="\#(XLSXPackageParts.mainNamespace)" "#).utf8)
        xml.append(contentsOf: #"count="\#(sharedEscaped.count)" uniqueCount="\#(sharedEscaped.count)">"#.utf8)
        for entry in sharedEscaped {
            xml.append(contentsOf: "<si>".utf8)
            xml.append(contentsOf: entry)
            xml.append(contentsOf: "</t></si>".utf8)
        }
        xml.append(contentsOf: "</sst>".utf8)
        do {
            try Data(xml).write(to: url)
        } catch {
            throw XLSXError(.writeFailed(path: url.path), underlying: error)
        }
    }
}

/// The opening `<t>` of a text, keeping leading and trailing spaces when present.
enum XLSXText {
    private static let plain = Array("<t>".utf8)
    private static let preserved = Array(#"<t xml:space="preserve">"#.utf8)

    static func open(_ text: String) -> [UInt8] {
        XMLText.needsSpacePreserved(text) ? preserved : plain
    }
}
