import Foundation
import RoostExport
import Testing

/// The overview article's examples, in a temporary directory, run for real.
@Suite struct DocumentationExampleTests {
    struct User { var id: Int, name: String, note: String }
    struct Order { var id: Int, customer: String, total: Double, placed: Date }

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-export-example-\(UUID())")

    @Test func csvWithByteOrderMark() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let users = [User(id: 1, name: "Zoë", note: "likes \"quotes\", commas"), User(id: 2, name: "東京", note: "")]
        let path = directory.appendingPathComponent("users.csv").path

        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(filePath: path))
        var writer = CSVWriter(sink: FileHandleCSVSink(handle), format: try CSVFormat(includeByteOrderMark: true))
        try writer.writeRow(["id", "name", "note"])
        for user in users {
            try writer.writeRow([String(user.id), user.name, user.note])
        }
        _ = try writer.finish()
        try handle.close()

        let bytes = try Data(contentsOf: URL(filePath: path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(
            String(decoding: bytes.dropFirst(3), as: UTF8.self)
                == "id,name,note\r\n1,Zoë,\"likes \"\"quotes\"\", commas\"\r\n2,東京,\r\n")
    }

    @Test func xlsxWorkbook() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let orders = (1...3).map { Order(id: $0, customer: "customer \($0)", total: Double($0) * 2.5, placed: .now) }
        let path = directory.appendingPathComponent("orders.xlsx").path

        let writer = try XLSXWriter(path: path)
        try writer.startSheet("Orders", layout: XLSXSheetLayout(columnWidths: [10, 30, 12, 20], frozenRows: 1))
        try writer.writeHeader(["id", "customer", "total", "placed"])
        for order in orders {
            try writer.writeRow([
                .integer(order.id), .string(order.customer), .number(order.total), .date(order.placed),
            ])
        }
        try writer.finish()

        // A ZIP archive (the XLSX container) with the sheet among its entries; the
        // read-back tests check the cells with openpyxl and LibreOffice.
        let bytes = try Data(contentsOf: URL(filePath: path))
        #expect(Array(bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        #expect(bytes.range(of: Data("xl/worksheets/sheet1.xml".utf8)) != nil)
    }
}
