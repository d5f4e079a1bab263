import NIOCore

/// The life of one connection, as pure state: which requests wait for which reply.
///
/// Redis answers commands in the order it received them, so replies are matched to
/// requests first-in, first-out. RESP3 push frames are out of band and never consume a
/// request. Pub/sub commands are the exception: `SUBSCRIBE a b` is answered by one
/// confirmation per channel (RESP3 push frames, or RESP2 arrays), and the request completes
/// with the last one. On RESP2, once a confirmation says the connection is subscribed,
/// `message`, `pmessage` and `smessage` arrays are routed as pushes until an unsubscribe
/// confirmation brings the count back to zero. The machine performs no I/O: every event
/// returns an action for the channel handler to execute, so it is tested without a network.
///
/// `Request` is whatever the caller needs to complete a request (a promise, in the
/// channel handler).
struct RedisConnectionStateMachine<Request> {
    /// A request waiting for its reply. `request` is `nil` once the caller gave up (timeout
    /// or cancellation): the reply still arrives, and is then discarded.
    private struct Slot {
        let id: UInt64
        var request: Request?
        /// Pub/sub confirmations still expected before this request completes; 0 for an
        /// ordinary command, which one reply completes.
        var confirmationsLeft: Int
        /// When the caller stops waiting, if ever.
        let deadline: NIODeadline?
    }

    private enum State {
        case active
        case closed(any Error)
    }

    private var state: State = .active
    private var inFlight = CircularBuffer<Slot>(initialCapacity: 16)
    /// Whether the server put this RESP2 connection in subscribed mode, where messages are
    /// arrays indistinguishable from replies but for their first element.
    private var resp2Subscribed = false

    /// Whether a RESP2 subscription is active (the connection then accepts only pub/sub
    /// commands, `PING` and `QUIT`).
    var isSubscribedRESP2: Bool { resp2Subscribed }

    /// How many replies are still expected, abandoned requests included.
    var inFlightCount: Int { inFlight.count }

    /// Whether the connection is closed.
    var isClosed: Bool { closeError != nil }

    /// The error the connection closed with, if it is closed.
    var closeError: (any Error)? {
        if case .closed(let error) = state { return error }
        return nil
    }

    enum SendAction {
        /// Write the request's bytes.
        case write
        /// Do not write; fail the request with this error.
        case fail(any Error)
    }

    /// A request is about to be written. `confirmations` is the number of pub/sub
    /// confirmations that answer it (one per channel of `SUBSCRIBE`, ...), or 0 for a
    /// command with one ordinary reply. Past `deadline`, ``expire(now:)`` gives it up.
    mutating func send(
        id: UInt64, request: Request, confirmations: Int = 0, deadline: NIODeadline? = nil
    ) -> SendAction {
        switch state {
        case .active:
            inFlight.append(Slot(id: id, request: request, confirmationsLeft: confirmations, deadline: deadline))
            return .write
        case .closed(let error):
            return .fail(error)
        }
    }

    enum ReceiveAction {
        /// Complete the request with this reply.
        case succeed(Request, RESPValue)
        /// Deliver an out-of-band push frame.
        case push(RESPValue)
        /// The reply belongs to an abandoned request, or arrived after closing: drop it.
        case discard
        /// A reply nobody asked for: the stream is out of step. Close the connection and
        /// fail these requests with the error.
        case closeAndFail([Request], any Error)
    }

    /// A complete value arrived from the server.
    mutating func receive(_ value: RESPValue) -> ReceiveAction {
        guard case .active = state else { return .discard }
        switch value.withoutAttributes {
        case .push(let parts):
            if let head = inFlight.first, head.confirmationsLeft > 0, PubSubFrame.isConfirmation(parts) {
                return confirm(value, subscriptionCount: nil)
            }
            return .push(value)
        case .array(let parts) where resp2Subscribed || inFlight.first.map({ $0.confirmationsLeft > 0 }) == true:
            if resp2Subscribed, PubSubFrame.isMessage(parts) { return .push(value) }
            if let head = inFlight.first, head.confirmationsLeft > 0, PubSubFrame.isConfirmation(parts) {
                return confirm(value, subscriptionCount: parts.count == 3 ? parts[2].integer : nil)
            }
        default:
            break
        }
        guard let slot = inFlight.popFirst() else {
            return closeAndFail(RedisProtocolError(.unexpectedReply, "a \(value.typeName) reply with no command waiting"))
        }
        guard let request = slot.request else { return .discard }
        return .succeed(request, value)
    }

    /// One pub/sub confirmation for the request at the head. `subscriptionCount` is the
    /// count a RESP2 confirmation carries, which says whether the connection is still in
    /// subscribed mode.
    private mutating func confirm(_ value: RESPValue, subscriptionCount: Int64?) -> ReceiveAction {
        if let subscriptionCount { resp2Subscribed = subscriptionCount > 0 }
        inFlight[inFlight.startIndex].confirmationsLeft -= 1
        guard inFlight[inFlight.startIndex].confirmationsLeft == 0 else { return .discard }
        guard let request = inFlight.removeFirst().request else { return .discard }
        return .succeed(request, value)
    }

    /// Gives up every request whose deadline is not after `now` (their replies are
    /// discarded when they arrive). Returns them, and the earliest deadline of the requests
    /// still waiting.
    mutating func expire(now: NIODeadline) -> (expired: [Request], next: NIODeadline?) {
        var expired: [Request] = []
        var next: NIODeadline?
        for index in inFlight.indices {
            guard let deadline = inFlight[index].deadline, let request = inFlight[index].request else { continue }
            if deadline <= now {
                expired.append(request)
                inFlight[index].request = nil
            } else if next.map({ deadline < $0 }) ?? true {
                next = deadline
            }
        }
        return (expired, next)
    }

    /// The caller stopped waiting for request `id` (task cancelled).
    /// Returns the request to fail, or `nil` if it already completed.
    mutating func abandon(id: UInt64) -> Request? {
        guard let index = inFlight.firstIndex(where: { $0.id == id }) else { return nil }
        let request = inFlight[index].request
        inFlight[index].request = nil
        return request
    }

    /// The connection failed (decode error, socket error) or is being closed: every
    /// request still waiting fails with `error`. Returns them; empty if already closed.
    mutating func closeAndFail(_ error: any Error) -> ReceiveAction {
        .closeAndFail(close(error), error)
    }

    /// Moves to closed, returning the requests that were still waiting.
    mutating func close(_ error: any Error) -> [Request] {
        guard case .active = state else { return [] }
        state = .closed(error)
        let waiting = inFlight.compactMap(\.request)
        inFlight.removeAll()
        return waiting
    }
}
