import RoostCoordination
import RoostCoordinationContracts
import RoostTestSupport
import Testing

@testable import RoostRedis

/// Three "independent servers": separate logical databases of the test server, each on
/// its own connection. A closed connection stands for a server that is down.
func redlockConnections() async throws -> [RedisConnection] {
    var connections: [RedisConnection] = []
    for database in 1...3 { connections.append(try await connectToTestServer { $0.database = database }) }
    return connections
}

@Suite("RedisRedlock against redis-server", .requires(.redis))
struct RedisRedlockTests {
    @Test(arguments: LockContract.cases.filter { !$0.needsPreciseTime })
    func contract(_ check: ContractCase<LockContractEnvironment>) async throws {
        let connections = try await redlockConnections()
        try await check.run(LockContractEnvironment(time: .real) { RedisRedlock(clients: connections) })
        for connection in connections { try await connection.close() }
    }

    @Test("one server down: the quorum of two still locks; two down: a typed error")
    func serverLoss() async throws {
        let connections = try await redlockConnections()
        let redlock = RedisRedlock(clients: connections)
        let key = "\(uniqueKeyPrefix()):redlock"
        try await connections[2].close()
        let lease = try #require(try await redlock.tryAcquire(key, ttl: .seconds(10)))
        #expect(try await redlock.isLocked(key))
        #expect(try await redlock.extend(lease, ttl: .seconds(10)))
        #expect(try await redlock.release(lease))
        try await connections[1].close()
        let error = await #expect(throws: RedlockError.self) { try await redlock.tryAcquire(key, ttl: .seconds(10)) }
        #expect(error?.answered == 1 && error?.quorum == 2)
        #expect(error?.code == "coordination.redlock.quorum_unreachable")
        try await connections[0].close()
    }

    @Test("a key held on two of three servers is not acquired, and the partial hold is undone")
    func minorityIsUndone() async throws {
        let connections = try await redlockConnections()
        let key = "\(uniqueKeyPrefix()):split"
        for connection in connections.prefix(2) {
            #expect(try await RedisLock(client: connection).tryAcquire(key, ttl: .seconds(30)) != nil)
        }
        let redlock = RedisRedlock(clients: connections)
        #expect(try await redlock.tryAcquire(key, ttl: .seconds(30)) == nil)
        #expect(try await RedisLock(client: connections[2]).isLocked(key) == false)
        for connection in connections { try await connection.close() }
    }
}
