/// XML text output for the workbook parts: escaping and the XML 1.0 character rule.
enum XMLText {
    /// Appends `text` with `&`, `<`, `>` and `"` escaped. Characters XML 1.0 cannot hold
    /// (controls other than tab, LF, CR; U+FFFE; U+FFFF) are left out when `strip` is
    /// true; otherwise the first one is returned and `output` is left partly written.
    static func appendEscaped(_ text: String, to output: inout [UInt8], strip: Bool) -> UInt32? {
        var utf8 = text.utf8
        // Fast path: most text needs no escaping at all.
        let clean = utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0xEF }
        }
        if clean == true {
            output.append(contentsOf: utf8)
            return nil
        }
        var text = text
        text.makeContiguousUTF8()
        utf8 = text.utf8
        return utf8.withContiguousStorageIfAvailable { bytes -> UInt32? in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case 0x26: output.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
                case 0x3C: output.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
                case 0x3E: output.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
                case 0x22: output.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
                case 0x09, 0x0A: output.append(byte)
                case 0x0D: output.append(contentsOf: [0x26, 0x23, 0x31, 0x33, 0x3B])  // &#13; survives parsing
                case 0x00..<0x20:
                    if !strip { return UInt32(byte) }
                case 0xEF where index + 2 < bytes.count && bytes[index + 1] == 0xBF
                    && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF):
                    if !strip { return 0xFFC0 | UInt32(bytes[index + 2] & 0x3F) }
                    index += 2
                default: output.append(byte)
                }
                index += 1
            }
            return nil
        }!
    }

    /// `text` escaped for an attribute value, with invalid characters left out.
    static func escaped(_ text: String) -> String {
        var bytes: [UInt8] = []
        _ = appendEscaped(text, to: &bytes, strip: true)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether text needs `xml:space="preserve"` to keep its spaces.
    static func needsSpacePreserved(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last else { return false }
        return first == 0x20 || last == 0x20 || first == 0x09 || last == 0x09 || first == 0x0A || last == 0x0A
    }
}

/// Spreadsheet cell references: column letters (`A`…`XFD`) and `B7`-style names.
enum CellReference {
    /// The letters of the zero-based column `index`: 0 → `A`, 25 → `Z`, 26 → `AA`.
    static func columnLetters(_ index: Int) -> [UInt8] {
        var letters: [UInt8] = []
        var remaining = index + 1
        while remaining > 0 {
            let digit = (remaining - 1) % 26
            letters.insert(UInt8(ascii: "A") + UInt8(digit), at: 0)
            remaining = (remaining - 1) / 26
        }
        return letters
    }

    /// `B7` for zero-based column 1, one-based row 7.
    static func name(column: Int, row: Int) -> String {
        String(decoding: columnLetters(column), as: UTF8.self) + String(row)
    }
}
