import Foundation
import RoostCoordination
import RoostCoordinationContracts
import RoostTestSupport
import Synchronization
import Testing

@testable import RoostRedis

@Suite("SingleInstanceTask on Redis", .requires(.redis), .timeLimit(.minutes(1)))
struct RedisSingleInstanceTaskTests {
    @Test("three instances on separate connections: every one-second tick runs once")
    func oncePerTickAcrossInstances() async throws {
        let name = "\(uniqueKeyPrefix()):ticks"
        let runs = Mutex<[Date]>([])
        var connections: [RedisConnection] = []
        for _ in 0..<3 { connections.append(try await connectToTestServer()) }
        let tasks = connections.map { connection in
            SingleInstanceTask(name: name, schedule: .every(.seconds(1)), lock: RedisLock(client: connection)) { tick in
                runs.withLock { $0.append(tick.fireDate) }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in tasks { group.addTask { try await task.run() } }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            while runs.withLock({ $0.count }) < 3, clock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            // Give late instances the chance to (wrongly) run a tick again.
            try await Task.sleep(for: .milliseconds(300))
            group.cancelAll()
        }
        let ticks = runs.withLock { $0 }
        #expect(ticks.count >= 3)
        #expect(Set(ticks).count == ticks.count, "a tick ran twice: \(ticks)")
        for connection in connections { try await connection.close() }
    }
}
