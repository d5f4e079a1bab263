import RoostCore
import RoostTestSupport
import Testing

@testable import RoostMySQL

@Suite("Health checks against the real server", .requires(.mysql))
struct MySQLHealthTests {
    @Test("a pool that reaches the server is up; one that cannot is down")
    func poolHealth() async throws {
        try await LivePool.withRunningPool(maximum: 1) { pool in
            #expect(pool.name == "mysql")
            try await pool.check()
            let report = await HealthReport.run([pool], timeout: .seconds(60))
            #expect(report.status == .up)
        }
        try await LivePool.withRunningPool(maximum: 1, { $0.connection.port = 1; $0.leaseTimeout = .milliseconds(300) }) {
            pool in
            let report = await HealthReport.run([pool], timeout: .seconds(60))
            #expect(report.status == .down)
            #expect(report.checks.first?.name == "mysql")
        }
    }

    @Test("a client is down, naming the replica, when a replica is unreachable")
    func clientHealthNamesTheReplica() async throws {
        let primary = try LivePool.configuration(maximum: 1)
        var deadReplica = primary
        deadReplica.connection.port = 1
        deadReplica.leaseTimeout = .milliseconds(300)
        let client = MySQLClient(primary: primary, replicas: [primary, deadReplica])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            let error = await #expect(throws: ReplicaUnreachable.self) { try await client.check() }
            #expect(error?.index == 1)
            #expect(error?.code == "mysql.replica.unreachable")
        }
    }
}
