import Foundation
import RoostSQL
import SQLKit
import Testing

/// A model that reads its column through a super decoder: the fast row decoder hands it
/// to SQLKit's, which refuses a concrete `String` from a single-value container.
private struct SuperDecoded: Decodable {
    var name: String
    private enum CodingKeys: String, CodingKey { case name }
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try String(from: container.superDecoder(forKey: .name))
    }
}

private struct NameAsInt: Decodable { var name: Int }
private struct Missing: Decodable { var name: String; var absent: String }

extension DatabaseContract {
    /// Rows decode as SQLKit's `SQLRowDecoder` decodes them, and fail with the same
    /// typed error and the same cause.
    func rowDecoding() async throws {
        try await TestDatabase.with(engine) { database in
            try await database.withClient { db in
                try await database.createItems(db)
                let id = try await db.insert(into: "items", Item(name: "apple", qty: 3))
                let query: SQLQueryString = "SELECT * FROM items WHERE id = \(bind: id)"
                let row = try #require(try await db.sql.raw(query).first())

                #expect(try await db.find(query, as: Item.self) == Item(id: id, name: "apple", qty: 3))
                #expect(try await db.select(query, as: Item.self) == [Item(id: id, name: "apple", qty: 3)])

                let failures: [(() throws -> Void, () async throws -> Void)] = [
                    ({ _ = try row.decode(model: NameAsInt.self) }, { _ = try await db.find(query, as: NameAsInt.self) }),
                    ({ _ = try row.decode(model: Missing.self) }, { _ = try await db.select(query, as: Missing.self) }),
                    ({ _ = try row.decode(model: SuperDecoded.self) }, { _ = try await db.find(query, as: SuperDecoded.self) }),
                ]
                for (decodeWithSQLKit, decodeWithClient) in failures {
                    let expected = try #require(throws: (any Error).self) { try decodeWithSQLKit() }
                    let error = try await #require(throws: DatabaseError.self) { try await decodeWithClient() }
                    #expect(error.kind == .decodingFailed)
                    #expect(error.message.contains("\(expected)"))
                    #expect("\(try #require(error.underlying))" == "\(expected)")
                }
            }
        }
    }
}
