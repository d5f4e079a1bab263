import Foundation
import RoostExport
import RoostTestSupport
import Testing

/// Reads a workbook with openpyxl and prints, per sheet: every cell as [type, value]
/// (dates as ISO text), the frozen pane, column widths and whether row 1 is bold.
private let openpyxlDump = #"""
import json, sys, datetime, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": book.sheetnames}
for sheet in book.worksheets:
    rows = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            v = cell.value
            if isinstance(v, datetime.datetime):
                cells.append(["date", v.isoformat()])
            elif isinstance(v, bool):
                cells.append(["bool", v])
            elif isinstance(v, int):
                cells.append(["int", v])
            elif isinstance(v, float):
                cells.append(["float", v])
            elif v is None:
                cells.append(["none", None])
            else:
                cells.append(["str", v])
        rows.append(cells)
    widths = {k: d.width for k, d in sheet.column_dimensions.items() if d.customWidth}
    out[sheet.title] = {
        "rows": rows, "freeze": sheet.freeze_panes, "widths": widths,
        "bold": [bool(c.font.b) for c in sheet[1]] if sheet.max_row >= 1 else [],
        "date_format": sheet["D2"].number_format if sheet.max_row >= 2 else None,
    }
print(json.dumps(out))
"""#

private func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("roost-\(UUID())-\(name)").path
}

@Suite struct XLSXReadBackTests {
    private let placed = Date(timeIntervalSince1970: 1_763_726_787)  // 2025-11-21T12:06:27Z

    private func writeSample(to path: String, storage: XLSXWriter.StringStorage) throws {
        let writer = try XLSXWriter(path: path, options: XLSXWriter.Options(stringStorage: storage))
        try writer.startSheet("Orders", layout: XLSXSheetLayout(columnWidths: [8, 30, nil, 22], frozenRows: 1))
        try writer.writeHeader(["id", "customer", "total", "placed", "paid", "note"])
        try writer.writeRow([1, "Zoë & <Ünïcødé> \"quoted\"", 9.95, .date(placed), true, "  padded  "])
        try writer.writeRow([2, "東京 👩‍👩‍👧", -0.5, .date(Date(timeIntervalSince1970: 0)), false, .empty])
        try writer.writeRow([.integer(9_007_199_254_740_993 - 1), "line\nbreak\ttab", 1e-7, .empty, nil, "Zoë & <Ünïcødé> \"quoted\""])
        try writer.startSheet("Totals & more", layout: XLSXSheetLayout(frozenRows: 2, frozenColumns: 1))
        try writer.writeRow(["sum", 9.45])
        try writer.finish()
    }

    @Test(.requiresPython, arguments: [XLSXWriter.StringStorage.inline, .shared])
    func openpyxlReadsTypesValuesAndLayout(storage: XLSXWriter.StringStorage) async throws {
        let path = temporaryPath("orders.xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeSample(to: path, storage: storage)
        let output = try await TestPython.run(script: openpyxlDump, arguments: [path])
        let dump = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(dump["sheets"] as? [String] == ["Orders", "Totals & more"])
        let orders = try #require(dump["Orders"] as? [String: Any])
        let rows = try #require(orders["rows"] as? [[[Any]]])
        func cell(_ row: Int, _ column: Int) -> String {
            let pair = rows[row][column]
            let type = pair[0] as? String ?? "?"
            switch type {
            case "float": return "float:\((pair[1] as? Double).map { "\($0)" } ?? "?")"
            case "int": return "int:\((pair[1] as? Int).map { "\($0)" } ?? "?")"
            case "bool": return "bool:\((pair[1] as? Bool).map { "\($0)" } ?? "?")"
            case "none": return "none"
            default: return "\(type):\(pair[1])"
            }
        }
        #expect(rows.count == 4)
        #expect((0..<6).map { cell(0, $0) } == ["str:id", "str:customer", "str:total", "str:placed", "str:paid", "str:note"])
        #expect((0..<6).map { cell(1, $0) } == [
            "int:1", "str:Zoë & <Ünïcødé> \"quoted\"", "float:9.95", "date:2025-11-21T12:06:27", "bool:true", "str:  padded  ",
        ])
        #expect((0..<5).map { cell(2, $0) } == ["int:2", "str:東京 👩‍👩‍👧", "float:-0.5", "date:1970-01-01T00:00:00", "bool:false"])
        #expect((0..<6).map { cell(3, $0) } == [
            "int:9007199254740992", "str:line\nbreak\ttab", "float:1e-07", "none", "none",
            "str:Zoë & <Ünïcødé> \"quoted\"",
        ])
        #expect(orders["freeze"] as? String == "A2")
        #expect(orders["widths"] as? [String: Double] == ["A": 8, "B": 30, "D": 22])
        #expect(orders["bold"] as? [Bool] == [true, true, true, true, true, true])
        #expect(orders["date_format"] as? String == "yyyy-mm-dd hh:mm:ss")
        let totals = try #require(dump["Totals & more"] as? [String: Any])
        #expect(totals["freeze"] as? String == "B3")
        #expect(totals["bold"] as? [Bool] == [false, false])
    }

    @Test(.requiresPython)
    func hundredThousandRowsStreamInBoundedMemory() async throws {
        let path = temporaryPath("big.xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let placed = placed
        let largestPending = try await onOwnThread {
            let writer = try XLSXWriter(path: path)
            try writer.startSheet("Big")
            try writer.writeHeader((0..<10).map { "c\($0)" })
            var largestPending = 0
            for index in 0..<100_000 {
                try writer.writeRow([
                    .integer(index), .string("name \(index)"), .number(Double(index) / 4), .bool(index % 2 == 0),
                    .date(placed.addingTimeInterval(Double(index))), "x", 1, 2.5, .empty, .string("tail"),
                ])
                largestPending = max(largestPending, writer.pendingByteCount)
            }
            try writer.finish()
            return largestPending
        }
        // Rows go to disk as they come: the buffer never holds more than about 256 KiB.
        #expect(largestPending < 300 * 1024)
        let script = """
            import sys, openpyxl
            sheet = openpyxl.load_workbook(sys.argv[1], read_only=True)["Big"]
            rows = list(sheet.iter_rows(values_only=True))
            last = rows[-1]
            print(len(rows), last[0], last[1], last[2], last[3], last[4].isoformat(), last[8], last[9])
            """
        let output = try await TestPython.run(script: script, arguments: [path])
        #expect(output.trimmingCharacters(in: .newlines) == "100001 99999 name 99999 24999.75 False 2025-11-22T15:53:06 None tail")
    }

    /// LibreOffice reads the workbook as a second, independent reader. `scripts/test`
    /// installs it; a bare `swift test` skips this without it, under `CI=true` it must run.
    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/libreoffice") || TestServer.isCI,
            "libreoffice is not installed: scripts/test installs libreoffice-calc-nogui"))
    func libreofficeConvertsTheWorkbookToCSV() async throws {
        let directory = temporaryPath("lo")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/orders.xlsx"
        try writeSample(to: path, storage: .inline)
        // CSV export options: comma, double quote, UTF-8 (76), …, cells as shown (so number
        // formats apply), and every sheet to its own file (-1): orders-<sheet>.csv.
        let filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
        _ = try await TestPython.runProgram(
            "/usr/bin/libreoffice", ["--headless", "--convert-to", filter, "--outdir", directory, path])
        let orders = try CSVReader.records(in: String(contentsOfFile: "\(directory)/orders-Orders.csv", encoding: .utf8))
        let totals = try CSVReader.records(in: String(contentsOfFile: "\(directory)/orders-Totals & more.csv", encoding: .utf8))
        #expect(orders.first == ["id", "customer", "total", "placed", "paid", "note"])
        try #require(orders.count == 4)
        // Dates appear in the cells' number format, booleans as LibreOffice spells them.
        #expect(orders[1] == ["1", "Zoë & <Ünïcødé> \"quoted\"", "9.95", "2025-11-21 12:06:27", "TRUE", "  padded  "])
        #expect(orders[2] == ["2", "東京 👩‍👩‍👧", "-0.5", "1970-01-01 00:00:00", "FALSE", ""])
        #expect(Array(orders[3].dropFirst()) == ["line\nbreak\ttab", "0.0000001", "", "", "Zoë & <Ünïcødé> \"quoted\""])
        #expect(totals == [["sum", "9.45"]])
    }
}
