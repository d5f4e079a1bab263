import Foundation
import Hummingbird
import RoostExport
import RoostHTTP
import RoostSQL

/// `POST /orders` (rate limited), `GET /orders?page=&size=` and
/// `GET /orders/export?format=csv|xlsx`.
struct OrderRoutes: Sendable {
    let desk: OrderDesk

    /// The most rows one export holds.
    static let exportLimit = 100_000

    func addRoutes(to router: Router<BasicRoostRequestContext>, writes: RouterGroup<BasicRoostRequestContext>) {
        writes.post("/orders") { request, context -> Envelope<Order> in
            let new = try await request.decodeValidated(as: NewOrder.self, context: context)
            let (order, created) = try await desk.place(new)
            var envelope = Envelope.success(order, context: context)
            envelope.status = created ? .created : .ok
            return envelope
        }
        router.get("/orders") { request, context -> Envelope<[Order]> in
            var args = RequestArguments(request, context: context)
            let page = args.int("page", default: 1, clampedTo: 1...100_000)
            let size = args.int("size", default: 50, clampedTo: 1...500)
            try args.validate()
            let orders = try await desk.database.select(
                """
                SELECT \(unsafeRaw: OrderDesk.orderColumns) FROM orders ORDER BY id DESC
                LIMIT \(bind: size) OFFSET \(bind: (page - 1) * size)
                """, as: Order.self)
            return .success(orders, context: context)
        }
        router.get("/orders/export") { request, context -> Response in
            var args = RequestArguments(request, context: context)
            let format = args.string("format", default: "csv", maxLength: 8).lowercased()
            var errors = args.errors
            errors.check(["csv", "xlsx"].contains(format), "format", "must be csv or xlsx")
            try errors.throwIfAny()
            let rows = try await desk.database.select(
                """
                SELECT o.id, o.product_id, p.name AS product_name, o.quantity, o.total_cents, o.fencing_token,
                       o.created_at
                FROM orders o JOIN products p ON p.id = o.product_id
                ORDER BY o.id LIMIT \(bind: Self.exportLimit)
                """, as: ExportRow.self)
            let stamp = Int(Date().timeIntervalSince1970)
            if format == "csv" {
                return Self.file(
                    try Self.csv(rows), type: "text/csv; charset=utf-8", name: "orders-\(stamp).csv")
            }
            return Self.file(
                try Self.xlsx(rows),
                type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name: "orders-\(stamp).xlsx")
        }
    }

    /// One line of an export.
    struct ExportRow: Decodable, Sendable {
        var id: Int64
        var productID: Int64
        var productName: String
        var quantity: Int64
        var totalCents: Int64
        var fencingToken: Int64
        var createdAt: Int64

        enum CodingKeys: String, CodingKey {
            case id, quantity
            case productID = "product_id"
            case productName = "product_name"
            case totalCents = "total_cents"
            case fencingToken = "fencing_token"
            case createdAt = "created_at"
        }

        var placed: Date { Date(timeIntervalSince1970: Double(createdAt) / 1000) }
    }

    static let header = ["order", "product id", "product", "quantity", "total", "fencing token", "placed at"]

    /// RFC 4180 CSV with a byte-order mark, so spreadsheet programs read it as UTF-8.
    static func csv(_ rows: [ExportRow]) throws -> [UInt8] {
        var writer = CSVWriter(sink: InMemoryCSVSink(), format: try CSVFormat(includeByteOrderMark: true))
        try writer.writeRow(header)
        for row in rows {
            try writer.writeRow([
                String(row.id), String(row.productID), row.productName, String(row.quantity),
                String(format: "%.2f", Double(row.totalCents) / 100), String(row.fencingToken),
                row.placed.formatted(.iso8601),
            ])
        }
        return try writer.finish().bytes
    }

    /// An Excel workbook with one sheet, written to a temporary file and read back.
    static func xlsx(_ rows: [ExportRow]) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roost-orders-\(UUID()).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try XLSXWriter(path: path)
        try writer.startSheet("Orders", layout: XLSXSheetLayout(columnWidths: [10, 12, 30, 10, 12, 14, 22], frozenRows: 1))
        try writer.writeHeader(header)
        for row in rows {
            try writer.writeRow([
                .integer(Int(row.id)), .integer(Int(row.productID)), .string(row.productName),
                .integer(Int(row.quantity)), .number(Double(row.totalCents) / 100), .integer(Int(row.fencingToken)),
                .date(row.placed),
            ])
        }
        try writer.finish()
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AppError(code: 500, status: .internalServerError, message: "The workbook could not be read back")
        }
        return [UInt8](data)
    }

    static func file(_ bytes: [UInt8], type: String, name: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
