import RoostTasks
import RoostTestSupport
import Testing

private enum ShopEvent: Sendable, Equatable {
    case ordered(Int)
    case cancelled(Int)
}

@Suite struct EventDispatcherTests {
    @Test func everyListenerGetsEveryEventInOrder() async {
        let events = EventDispatcher<ShopEvent>()
        let log = EventLog<String>()
        events.addListener { log.append("a \($0)") }
        events.addListener { log.append("b \($0)") }
        let failures = await events.dispatch(.ordered(1))
        await events.dispatch(.cancelled(1))
        #expect(failures.isEmpty)
        #expect(log.all == ["a ordered(1)", "b ordered(1)", "a cancelled(1)", "b cancelled(1)"])
    }

    @Test func onceRunsOnlyForTheNextEvent() async {
        let events = EventDispatcher<Int>()
        let seen = EventLog<Int>()
        events.once { seen.append($0) }
        #expect(events.listenerCount == 1)
        await events.dispatch(1)
        await events.dispatch(2)
        #expect(seen.all == [1])
        #expect(events.listenerCount == 0)
    }

    @Test func onceRunsOnceUnderConcurrentDispatches() async {
        let events = EventDispatcher<Int>()
        let calls = Counter()
        events.once { _ in calls.increment() }
        await withTaskGroup(of: Void.self) { group in
            for value in 0..<50 { group.addTask { await events.dispatch(value) } }
        }
        #expect(calls.current == 1)
    }

    @Test func removedListenerGetsNothing() async {
        let events = EventDispatcher<Int>()
        let seen = EventLog<Int>()
        let handle = events.addListener { seen.append($0) }
        await events.dispatch(1)
        #expect(events.removeListener(handle))
        #expect(!events.removeListener(handle))
        await events.dispatch(2)
        #expect(seen.all == [1])
        events.addListener { seen.append($0 * 10) }
        events.removeAllListeners()
        await events.dispatch(3)
        #expect(seen.all == [1])
    }

    @Test func aFailingListenerDoesNotStopTheOthersAndIsReported() async {
        let events = EventDispatcher<Int>(name: "orders")
        let seen = EventLog<String>()
        events.addListener { seen.append("first \($0)") }
        let failing = events.addListener { throw TestFailure(id: $0) }
        events.addListener { seen.append("third \($0)") }
        let failures = await events.dispatch(7)
        #expect(seen.all == ["first 7", "third 7"])
        #expect(failures.count == 1)
        #expect(failures.first?.listener == failing.id)
        #expect(failures.first?.dispatcher == "orders")
        #expect(failures.first?.code == "tasks.events.listener_failed")
        #expect(failures.first?.underlying as? TestFailure == TestFailure(id: 7))
    }

    @Test func listenerAddedDuringDispatchWaitsForTheNextEvent() async {
        let events = EventDispatcher<Int>()
        let seen = EventLog<Int>()
        events.once { _ in events.addListener { seen.append($0) } }
        await events.dispatch(1)
        await events.dispatch(2)
        #expect(seen.all == [2])
    }
}
