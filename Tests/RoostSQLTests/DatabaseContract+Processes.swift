import Foundation
import RoostSQL
import RoostTasks
import RoostTestSupport
import Testing

extension DatabaseContract {
    /// Two OS processes (`roost-migration-race`) migrate one database at the same moment:
    /// exactly one applies the migrations, the other finds them applied, and nothing ran twice.
    func migrateFromTwoProcesses() async throws {
        try await TestDatabase.with(engine) { database in
            let executable = try builtExecutable("roost-migration-race").path
            let url = database.unredactedURL
            let start = String(Int((Date().timeIntervalSince1970 + 2) * 1_000))
            let outputs = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await ProcessCommand(executable, [url, start], timeout: .seconds(120)).run().standardOutput
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let applied = try outputs.map { output in
                let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("applied") }, "output: \(output)")
                return line.dropFirst("applied".count).split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            }
            #expect(applied.sorted { $0.count < $1.count } == [[], Array(1...20)])
            try await database.withClient { db throws in
                #expect(try await db.count(from: "race_items") == 19)
                #expect(try await db.count(from: DatabaseMigrator.table) == 20)
            }
        }
    }
}
