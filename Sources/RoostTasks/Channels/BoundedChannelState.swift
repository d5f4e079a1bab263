/// The state of a ``BoundedChannel``: buffered elements and the suspended senders and
/// receivers, changed only under the channel's lock.
struct BoundedChannelState<Element: Sendable> {
    typealias Sender = CheckedContinuation<Void, any Error>
    typealias Receiver = CheckedContinuation<Element?, any Error>

    enum Offer {
        /// Buffered, or handed to the waiting receiver (which the caller must resume).
        case accepted(Receiver?)
        case closed
        case full
    }

    enum Take {
        /// An element, and the sender whose element moved into the freed buffer slot
        /// (which the caller must resume).
        case element(Element, Sender?)
        case finished
        case empty
    }

    let capacity: Int
    private var buffer: [Element] = []
    private var head = 0
    var senders: [(id: UInt64, element: Element, continuation: Sender)] = []
    var receivers: [(id: UInt64, continuation: Receiver)] = []
    var isFinished = false
    var nextID: UInt64 = 0
    /// Callers between taking an id and registering their continuation.
    var registering: Set<UInt64> = []
    /// Callers cancelled while registering.
    var cancelled: Set<UInt64> = []

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { buffer.count - head }

    mutating func newID() -> UInt64 {
        nextID += 1
        registering.insert(nextID)
        return nextID
    }

    mutating func offer(_ element: Element) -> Offer {
        if isFinished { return .closed }
        if !receivers.isEmpty { return .accepted(receivers.removeFirst().continuation) }
        guard count < capacity else { return .full }
        buffer.append(element)
        return .accepted(nil)
    }

    mutating func take() -> Take {
        if count > 0 {
            let element = buffer[head]
            head += 1
            if head > 64 && head * 2 > buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            guard !senders.isEmpty else { return .element(element, nil) }
            let sender = senders.removeFirst()
            buffer.append(sender.element)
            return .element(element, sender.continuation)
        }
        if !senders.isEmpty {
            let sender = senders.removeFirst()
            return .element(sender.element, sender.continuation)
        }
        return isFinished ? .finished : .empty
    }
}
