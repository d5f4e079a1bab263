import Logging
import Synchronization

/// A typed in-process event dispatcher: listeners subscribe to events of one type and every
/// dispatched event reaches each of them (the peers' `EventDispatcher`).
///
/// Listeners run one after another, in the order they were added. A listener that throws
/// does not stop the others: its error is logged and returned by ``dispatch(_:)`` as an
/// ``EventListenerError``. A listener added with ``once(_:)`` is removed the moment an event
/// is dispatched to it, so it runs at most once even under concurrent dispatches.
///
/// Use an enum as the event type to carry several kinds of events on one dispatcher.
///
/// ```swift
/// enum UserEvent: Sendable { case signedUp(User), deleted(id: Int) }
/// let events = EventDispatcher<UserEvent>()
/// let handle = events.addListener { event in
///     if case .signedUp(let user) = event { try await mailer.sendWelcome(to: user) }
/// }
/// await events.dispatch(.signedUp(user))
/// events.removeListener(handle)
/// ```
public final class EventDispatcher<Event: Sendable>: Sendable {
    /// Identifies a listener, for ``EventDispatcher/removeListener(_:)``.
    public struct ListenerHandle: Hashable, Sendable {
        /// The listener's number, unique within its dispatcher.
        public let id: UInt64
    }

    private struct Listener {
        var handle: ListenerHandle
        var once: Bool
        var body: @Sendable (Event) async throws -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var listeners: [Listener] = []
    }

    /// The dispatcher's name in log messages.
    public let name: String
    private let logger: Logger
    private let state = Mutex(State())

    /// Creates a dispatcher without listeners.
    ///
    /// - Parameters:
    ///   - name: The name in log messages.
    ///   - logger: Where listener failures are logged.
    public init(name: String = "events", logger: Logger = Logger(label: "roost.tasks.events")) {
        self.name = name
        var logger = logger
        logger[metadataKey: "dispatcher"] = "\(name)"
        self.logger = logger
    }

    /// The number of listeners.
    public var listenerCount: Int { state.withLock { $0.listeners.count } }

    /// Adds a listener for every future event; returns its handle.
    @discardableResult
    public func addListener(_ listener: @escaping @Sendable (Event) async throws -> Void) -> ListenerHandle {
        add(listener, once: false)
    }

    /// Adds a listener for the next event only; returns its handle.
    @discardableResult
    public func once(_ listener: @escaping @Sendable (Event) async throws -> Void) -> ListenerHandle {
        add(listener, once: true)
    }

    /// Removes a listener; returns false if it was already gone.
    @discardableResult
    public func removeListener(_ handle: ListenerHandle) -> Bool {
        state.withLock { state in
            guard let index = state.listeners.firstIndex(where: { $0.handle == handle }) else { return false }
            state.listeners.remove(at: index)
            return true
        }
    }

    /// Removes every listener.
    public func removeAllListeners() { state.withLock { $0.listeners = [] } }

    /// Delivers `event` to every listener present now, one after another in the order they
    /// were added, and returns the failures (empty when all succeeded).
    ///
    /// Each failure is also logged at `error` level. Cancellation of the caller is passed on
    /// to the listeners, which still all run.
    @discardableResult
    public func dispatch(_ event: Event) async -> [EventListenerError] {
        let listeners = state.withLock { state -> [Listener] in
            let current = state.listeners
            state.listeners.removeAll { $0.once }
            return current
        }
        var failures: [EventListenerError] = []
        for listener in listeners {
            do {
                try await listener.body(event)
            } catch {
                let failure = EventListenerError(dispatcher: name, listener: listener.handle.id, underlying: error)
                logger.error(
                    "Event listener failed; the other listeners still ran",
                    metadata: ["listener": "\(listener.handle.id)", "error": "\(String(reflecting: error))"])
                failures.append(failure)
            }
        }
        return failures
    }

    private func add(_ body: @escaping @Sendable (Event) async throws -> Void, once: Bool) -> ListenerHandle {
        state.withLock { state in
            state.nextID += 1
            let handle = ListenerHandle(id: state.nextID)
            state.listeners.append(Listener(handle: handle, once: once, body: body))
            return handle
        }
    }
}
