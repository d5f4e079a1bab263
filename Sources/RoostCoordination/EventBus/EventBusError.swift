import RoostCore

/// Why an ``EventBus`` operation failed.
public struct EventBusError: RoostError {
    /// The kinds of failure.
    public enum Reason: Sendable, Hashable {
        /// The event could not be encoded as JSON.
        case encodingFailed
        /// A payload could not be decoded as the subscribed event type.
        case decodingFailed
        /// The bus has been shut down: nothing more is published or subscribed.
        case shutDown
        /// No matching event arrived within the timeout.
        case timeout(Duration)
        /// The timeout was negative.
        case invalidTimeout(Duration)
    }

    /// The event type involved.
    public let eventType: String
    /// What went wrong.
    public let reason: Reason
    /// The encoder's or decoder's error, if any.
    public let underlying: (any Error)?

    /// Creates the error.
    public init(eventType: String, reason: Reason, underlying: (any Error)? = nil) {
        self.eventType = eventType
        self.reason = reason
        self.underlying = underlying
    }

    /// `coordination.event_bus.encoding_failed`, `coordination.event_bus.decoding_failed`,
    /// `coordination.event_bus.shut_down`, `coordination.event_bus.timeout` or
    /// `coordination.event_bus.invalid_timeout`.
    public var code: ErrorCode {
        switch reason {
        case .encodingFailed: "coordination.event_bus.encoding_failed"
        case .decodingFailed: "coordination.event_bus.decoding_failed"
        case .shutDown: "coordination.event_bus.shut_down"
        case .timeout: "coordination.event_bus.timeout"
        case .invalidTimeout: "coordination.event_bus.invalid_timeout"
        }
    }

    /// What happened and what to do.
    public var message: String {
        switch reason {
        case .encodingFailed:
            "Event '\(eventType)' could not be encoded as JSON; check its Encodable conformance (see the cause)."
        case .decodingFailed:
            "A '\(eventType)' event could not be decoded; publisher and subscriber disagree on its shape. Keep event types backward compatible or rename the type."
        case .shutDown:
            "The event bus has shut down; publish and subscribe before shutdown, or use a new bus."
        case .timeout(let timeout):
            "No matching '\(eventType)' event arrived within \(timeout); check that it is published, or wait longer."
        case .invalidTimeout(let timeout):
            "Waiting for '\(eventType)' was given a timeout of \(timeout); pass zero or a positive duration."
        }
    }
}
