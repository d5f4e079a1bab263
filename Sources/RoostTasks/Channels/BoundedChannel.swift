import RoostCore
import Synchronization

/// An async producer/consumer queue that holds at most `capacity` elements: a producer that
/// finds it full waits (backpressure) until a consumer makes room.
///
/// Several producers and consumers may share one channel; elements are delivered once each,
/// in the order they were sent, and waiting producers and consumers are served first come,
/// first served. With capacity 0 every ``send(_:)`` waits for a consumer to take the
/// element, like `AsyncChannel` from swift-async-algorithms.
///
/// ``finish()`` ends the channel: consumers drain what is buffered and then see the end;
/// producers still waiting, and any later ``send(_:)``, fail with ``ChannelClosedError``.
///
/// ```swift
/// let jobs = BoundedChannel<Job>(capacity: 100)
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask {
///         for job in incoming { try await jobs.send(job) }   // waits while 100 are queued
///         jobs.finish()
///     }
///     group.addTask {
///         for try await job in jobs { try await job.run() }
///     }
///     try await group.waitForAll()
/// }
/// ```
public final class BoundedChannel<Element: Sendable>: AsyncSequence, Sendable {
    /// Iteration fails only with `CancellationError`.
    public typealias Failure = any Error

    private typealias State = BoundedChannelState<Element>
    private let state: Mutex<State>

    /// The most elements buffered.
    public let capacity: Int

    /// Creates an open, empty channel.
    ///
    /// - Parameter capacity: The most buffered elements; 0 hands each element straight
    ///   from producer to consumer.
    public init(capacity: Int) {
        precondition(capacity >= 0, "capacity must not be negative")
        self.capacity = capacity
        state = Mutex(State(capacity: capacity))
    }

    /// The number of buffered elements.
    public var count: Int { state.withLock { $0.count } }

    /// Whether ``finish()`` was called.
    public var isFinished: Bool { state.withLock { $0.isFinished } }

    /// Sends `element`, waiting while the buffer is full.
    ///
    /// - Throws: ``ChannelClosedError`` if the channel is (or becomes, while waiting)
    ///   finished; `CancellationError` if cancelled while waiting. Either way the element
    ///   was not delivered.
    public func send(_ element: Element) async throws {
        switch state.withLock({ $0.offer(element) }) {
        case .accepted(let receiver):
            receiver?.resume(returning: element)
            return
        case .closed:
            throw ChannelClosedError()
        case .full:
            break
        }
        let id = state.withLock { $0.newID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: State.Sender) in
                let outcome = state.withLock { state -> Result<State.Receiver?, any Error>? in
                    state.registering.remove(id)
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    switch state.offer(element) {
                    case .accepted(let receiver): return .success(receiver)
                    case .closed: return .failure(ChannelClosedError())
                    case .full:
                        state.senders.append((id, element, continuation))
                        return nil
                    }
                }
                switch outcome {
                case .none: break
                case .success(let receiver):
                    receiver?.resume(returning: element)
                    continuation.resume()
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let sender = state.withLock { state -> State.Sender? in
                if let index = state.senders.firstIndex(where: { $0.id == id }) {
                    return state.senders.remove(at: index).continuation
                }
                if state.registering.contains(id) { state.cancelled.insert(id) }
                return nil
            }
            sender?.resume(throwing: CancellationError())
        }
    }

    /// Sends `element` if there is room now; returns false, without sending, if the
    /// buffer is full or the channel finished.
    public func trySend(_ element: Element) -> Bool {
        guard case .accepted(let receiver) = state.withLock({ $0.offer(element) }) else { return false }
        receiver?.resume(returning: element)
        return true
    }

    /// Takes the oldest element, waiting until one is sent; nil once the channel is finished
    /// and drained.
    ///
    /// - Throws: `CancellationError` if cancelled while waiting.
    public func receive() async throws -> Element? {
        switch state.withLock({ $0.take() }) {
        case .element(let element, let sender):
            sender?.resume()
            return element
        case .finished:
            return nil
        case .empty:
            break
        }
        let id = state.withLock { $0.newID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: State.Receiver) in
                let outcome = state.withLock { state -> Result<(Element?, State.Sender?), any Error>? in
                    state.registering.remove(id)
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    switch state.take() {
                    case .element(let element, let sender): return .success((element, sender))
                    case .finished: return .success((nil, nil))
                    case .empty:
                        state.receivers.append((id, continuation))
                        return nil
                    }
                }
                switch outcome {
                case .none: break
                case .success(let (element, sender)):
                    sender?.resume()
                    continuation.resume(returning: element)
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let receiver = state.withLock { state -> State.Receiver? in
                if let index = state.receivers.firstIndex(where: { $0.id == id }) {
                    return state.receivers.remove(at: index).continuation
                }
                if state.registering.contains(id) { state.cancelled.insert(id) }
                return nil
            }
            receiver?.resume(throwing: CancellationError())
        }
    }

    /// Ends the channel: buffered elements are still delivered, then consumers see the end.
    /// Waiting producers fail with ``ChannelClosedError``. Calling it again does nothing.
    public func finish() {
        let (senders, receivers) = state.withLock { state -> ([State.Sender], [State.Receiver]) in
            state.isFinished = true
            defer {
                state.senders = []
                state.receivers = []
            }
            return (state.senders.map(\.continuation), state.receivers.map(\.continuation))
        }
        senders.forEach { $0.resume(throwing: ChannelClosedError()) }
        receivers.forEach { $0.resume(returning: nil) }
    }

    /// Returns an iterator that receives until the channel is finished and drained.
    public func makeAsyncIterator() -> Iterator { Iterator(channel: self) }

    /// Receives elements one by one; see ``receive()``.
    public struct Iterator: AsyncIteratorProtocol {
        let channel: BoundedChannel

        /// The next element, or nil at the end.
        public mutating func next() async throws -> Element? { try await channel.receive() }
    }
}

/// A ``BoundedChannel`` was finished before the element could be sent.
public struct ChannelClosedError: RoostError, Equatable {
    /// Creates the error.
    public init() {}

    /// `tasks.channel.closed`.
    public var code: ErrorCode { "tasks.channel.closed" }

    /// What happened and what to do.
    public var message: String {
        "The channel was finished, so the element was not sent; stop producing once the consumer side has shut down."
    }
}
