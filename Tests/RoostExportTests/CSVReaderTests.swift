import RoostCore
import RoostExport
import Testing

@Suite struct CSVReaderTests {
    @Test func simpleRecordsWithAnyLineEnding() throws {
        let expected = [["a", "b"], ["1", "2"]]
        #expect(try CSVReader.records(in: "a,b\r\n1,2\r\n") == expected)
        #expect(try CSVReader.records(in: "a,b\n1,2") == expected)
        #expect(try CSVReader.records(in: "a,b\r1,2\r") == expected)
        #expect(try CSVReader.records(in: "") == [])
    }

    @Test func quotedFields() throws {
        let text = "\"x, y\",\"say \"\"hi\"\"\",\"multi\r\nline\",\"\"\r\n"
        #expect(try CSVReader.records(in: text) == [["x, y", "say \"hi\"", "multi\r\nline", ""]])
    }

    @Test func emptyFieldsAndBlankLines() throws {
        #expect(try CSVReader.records(in: ",a,\r\n\r\nb") == [["", "a", ""], [""], ["b"]])
    }

    @Test func skipsTheByteOrderMark() throws {
        #expect(try CSVReader.records(in: [0xEF, 0xBB, 0xBF] + Array("é,b\r\n".utf8)) == [["é", "b"]])
    }

    @Test func unterminatedQuoteNamesTheLineWhereItOpened() {
        let error = #expect(throws: CSVError.self) { try CSVReader.records(in: "a\r\nb,\"open\r\nmore\r\n") }
        #expect(error?.reason == .unterminatedQuote(line: 2))
        #expect(error?.code == "export.csv.unterminated_quote")
    }

    @Test func textAfterClosingQuoteIsRejected() {
        #expect(throws: CSVError(.unexpectedCharacterAfterQuote(line: 3))) {
            try CSVReader.records(in: "a\nb\n\"x\"y,z\n")
        }
    }

    @Test func quoteInsideUnquotedFieldIsRejected() {
        let error = #expect(throws: CSVError.self) { try CSVReader.records(in: "ab\"c\r\n") }
        #expect(error?.reason == .quoteInUnquotedField(line: 1))
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: CSVError(.invalidUTF8(line: 2))) {
            try CSVReader.records(in: Array("ok\r\n".utf8) + [0xC3, 0x28] + Array("\r\n".utf8))
        }
    }

    @Test func lineNumbersCountLineBreaksInsideQuotes() {
        #expect(throws: CSVError(.quoteInUnquotedField(line: 3))) {
            try CSVReader.records(in: "\"a\nb\"\nx\"")
        }
    }
}

@Suite struct CSVRoundTripTests {
    static let awkwardFields = [
        "", " ", "plain", "comma,inside", "\"", "\"\"", "quote \"in\" middle", "new\nline", "carriage\rreturn",
        "both\r\nbreaks", "trailing space ", " leading space", "Zoë", "東京都", "👩‍👩‍👧 family", "tab\tseparated",
        ";semicolon;", "ends with quote\"",
    ]

    @Test(arguments: [
        CSVFormat.rfc4180,
        try! CSVFormat(delimiter: ";", lineEnding: .lf),
        try! CSVFormat(delimiter: "\t", includeByteOrderMark: true, quoting: .all),
    ])
    func everyFieldSurvivesARoundTrip(format: CSVFormat) throws {
        var rows = Self.awkwardFields.map { [$0, "x"] }
        rows.append(Self.awkwardFields)
        rows.append([""])
        let text = CSVWriter.string(from: rows, format: format)
        #expect(try CSVReader.records(in: Array(text.utf8), format: format) == rows)
    }

    @Test func randomisedRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "Z", ",", "\"", "\r", "\n", " ", "é", "東", "😀"]
        var rows: [[String]] = []
        for _ in 0..<300 {
            let width = Int.random(in: 1...6, using: &generator)
            rows.append(
                (0..<width).map { _ in
                    String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
                })
        }
        let text = CSVWriter.string(from: rows)
        #expect(try CSVReader.records(in: text) == rows)
    }
}
