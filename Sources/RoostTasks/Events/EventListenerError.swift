import RoostCore

/// A listener of an ``EventDispatcher`` threw while handling an event.
public struct EventListenerError: RoostError {
    /// The dispatcher's name.
    public let dispatcher: String
    /// The failed listener's ``EventDispatcher/ListenerHandle/id``.
    public let listener: UInt64
    /// The listener's error.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(dispatcher: String, listener: UInt64, underlying: any Error) {
        self.dispatcher = dispatcher
        self.listener = listener
        self.underlying = underlying
    }

    /// `tasks.events.listener_failed`.
    public var code: ErrorCode { "tasks.events.listener_failed" }

    /// What happened and what to do.
    public var message: String {
        "Listener \(listener) of the event dispatcher '\(dispatcher)' failed; the other listeners still ran. Fix the listener or handle the error inside it."
    }
}
