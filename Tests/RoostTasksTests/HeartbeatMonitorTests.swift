import Logging
import RoostTasks
import RoostTestSupport
import ServiceLifecycle
import Testing

@Suite struct HeartbeatMonitorTests {
    @Test func statusFollowsTheClock() {
        let clock = ManualClock()
        let monitor = HeartbeatMonitor<String, ManualClock>(timeout: .seconds(10), clock: clock)
        #expect(monitor.status(of: "a") == nil)
        monitor.beat("a")
        clock.advance(by: .seconds(9))
        #expect(monitor.status(of: "a") == .alive)
        monitor.beat("b")
        clock.advance(by: .seconds(1))
        #expect(monitor.status(of: "a") == .dead)
        #expect(monitor.alivePeers == ["b"])
        monitor.remove("b")
        #expect(monitor.status(of: "b") == nil)
    }

    @Test func checkReportsEachDeathOnceAndRecovery() {
        let clock = ManualClock()
        let changes = EventLog<String>()
        let monitor = HeartbeatMonitor<String, ManualClock>(timeout: .seconds(5), clock: clock) { peer, status in
            changes.append("\(peer) \(status)")
        }
        monitor.beat("a")
        monitor.beat("b")
        clock.advance(by: .seconds(3))
        monitor.beat("b")
        clock.advance(by: .seconds(2))
        #expect(monitor.checkNow() == ["a"])
        #expect(monitor.checkNow() == [])
        monitor.beat("a")
        clock.advance(by: .seconds(3))
        #expect(monitor.checkNow() == ["b"])
        #expect(changes.all == ["a dead", "a alive", "b dead"])
    }

    @Test func runChecksOnTheIntervalAndStopsOnShutdown() async throws {
        let clock = ManualClock()
        let deaths = EventLog<Int>()
        let monitor = HeartbeatMonitor<Int, ManualClock>(timeout: .seconds(3), checkInterval: .seconds(1), clock: clock) {
            peer, status in
            if status == .dead { deaths.append(peer) }
        }
        monitor.beat(1)
        let group = ServiceGroup(services: [monitor], logger: Logger(label: "test"))
        async let running: Void = group.run()
        for second in 1...4 {
            await clock.waitForSleepers(count: 1)
            if second == 3 { monitor.beat(2) }
            clock.advance(by: .seconds(1))
            await eventually { clock.sleeperCount == 1 }
        }
        // Peer 1 went silent at 0 s and is found dead at the 3 s check; peer 2 beat at 2 s and is still alive at 4 s.
        #expect(deaths.all == [1])
        await group.triggerGracefulShutdown()
        try await running
    }
}
