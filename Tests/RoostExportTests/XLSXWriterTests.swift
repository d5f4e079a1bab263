import Foundation
import RoostExport
import RoostTestSupport
import Testing

@Suite struct XLSXWriterTests {
    private func withWriter(
        options: XLSXWriter.Options = XLSXWriter.Options(), _ body: (XLSXWriter, String) throws -> Void
    ) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roost-\(UUID()).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(try XLSXWriter(path: path, options: options), path)
    }

    private func withAsyncWriter(
        options: XLSXWriter.Options = XLSXWriter.Options(), _ body: (XLSXWriter, String) async throws -> Void
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roost-\(UUID()).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await body(try XLSXWriter(path: path, options: options), path)
    }

    @Test(arguments: ["", String(repeating: "x", count: 32), "a:b", "a/b", "a\\b", "a?b", "a*b", "a[b", "a]b", "'quoted'", "tab\there"])
    func invalidSheetNamesAreRejected(name: String) throws {
        try withWriter { writer, _ in
            let error = #expect(throws: XLSXError.self) { try writer.startSheet(name) }
            #expect(error?.reason == .invalidSheetName(name))
            #expect(error?.code == "export.xlsx.invalid_sheet_name")
        }
    }

    @Test func sheetNamesMustBeUniqueIgnoringCase() throws {
        try withWriter { writer, _ in
            try writer.startSheet("Orders")
            try writer.startSheet(String(repeating: "y", count: 31))
            #expect(throws: XLSXError(.invalidSheetName("ORDERS"))) { try writer.startSheet("ORDERS") }
        }
    }

    @Test func rowsNeedASheet() throws {
        try withWriter { writer, _ in
            #expect(throws: XLSXError(.noSheet)) { try writer.writeRow(["a"]) }
        }
    }

    @Test func nonFiniteNumbersAreRejectedAndTheRowIsNotWritten() throws {
        try withWriter { writer, path in
            try writer.startSheet("S")
            try writer.writeRow([1])
            for bad in [Double.nan, .infinity, -.infinity] {
                #expect(throws: XLSXError(.invalidNumber(sheet: "S", row: 2, column: 3))) {
                    try writer.writeRow(["ok", 2, .number(bad)])
                }
            }
            #expect(writer.rowCount == 1)
            try writer.writeRow([3])
            #expect(writer.rowCount == 2)
            try writer.finish()
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test(arguments: [XLSXWriter.StringStorage.inline, .shared])
    func invalidXMLCharactersAreRejectedByDefault(storage: XLSXWriter.StringStorage) throws {
        try withWriter(options: XLSXWriter.Options(stringStorage: storage)) { writer, _ in
            try writer.startSheet("S")
            let error = #expect(throws: XLSXError.self) { try writer.writeRow(["fine", "bell \u{07} here"]) }
            #expect(error?.reason == .invalidCharacter(sheet: "S", row: 1, column: 2, scalar: 7))
            #expect(error?.code == "export.xlsx.invalid_character")
            #expect(throws: XLSXError(.invalidCharacter(sheet: "S", row: 1, column: 1, scalar: 0xFFFE))) {
                try writer.writeRow(["\u{FFFE}"])
            }
            #expect(writer.rowCount == 0)
            try writer.writeRow(["fine again"])
            #expect(writer.rowCount == 1)
        }
    }

    @Test func tooManyColumnsIsAnError() throws {
        try withWriter { writer, _ in
            try writer.startSheet("Wide")
            let row = [XLSXCell](repeating: 1, count: 16_385)
            #expect(throws: XLSXError(.tooManyColumns(sheet: "Wide", count: 16_385))) { try writer.writeRow(row) }
        }
    }

    @Test func aFinishedWriterRefusesMoreWork() throws {
        try withWriter { writer, path in
            try writer.finish()  // no sheet: one empty Sheet1
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(throws: XLSXError(.finished)) { try writer.startSheet("Late") }
            #expect(throws: XLSXError(.finished)) { try writer.writeRow([1]) }
            #expect(throws: XLSXError(.finished)) { try writer.finish() }
        }
    }

    @Test func anUnwritableDestinationIsAWriteError() throws {
        let writer = try XLSXWriter(path: "/nonexistent-directory/out.xlsx")
        try writer.startSheet("S")
        let error = #expect(throws: XLSXError.self) { try writer.finish() }
        #expect(error?.reason == .writeFailed(path: "/nonexistent-directory/out.xlsx"))
        #expect(error?.underlying != nil)
    }

    @Test(.requiresPython)
    func strippingLeavesTheRestOfTheText() async throws {
        try await withAsyncWriter(options: XLSXWriter.Options(invalidCharacters: .strip)) { writer, path in
            try writer.startSheet("S")
            try writer.writeRow(["a\u{00}b\u{1B}c\u{FFFF}d", "keep\r\nlines"])
            try writer.finish()
            let output = try await TestPython.run(
                script: "import sys, json, openpyxl; s = openpyxl.load_workbook(sys.argv[1])['S']; print(json.dumps([s['A1'].value, s['B1'].value]))",
                arguments: [path])
            #expect(output.trimmingCharacters(in: .newlines) == #"["abcd", "keep\r\nlines"]"#)
        }
    }

    @Test func replacesAnExistingFile() throws {
        try withWriter { writer, path in
            FileManager.default.createFile(atPath: path, contents: Data("old".utf8))
            try writer.startSheet("S")
            try writer.writeRow([1])
            try writer.finish()
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes.prefix(2) == Data("PK".utf8))
        }
    }
}
