import NIOCore

/// Recognises pub/sub frames: the confirmations of `(P|S)(UN)SUBSCRIBE` and the messages a
/// subscribed connection receives. On RESP3 they are push frames; on RESP2, arrays.
enum PubSubFrame {
    /// The kind of a pub/sub frame: its first element.
    enum Kind: Sendable, Hashable {
        case subscribe, psubscribe, ssubscribe, unsubscribe, punsubscribe, sunsubscribe
        case message, pmessage, smessage

        init?(_ value: RESPValue) {
            guard let bytes = value.bytes, bytes.readableBytes <= 12 else { return nil }
            switch String(buffer: bytes).lowercased() {
            case "subscribe": self = .subscribe
            case "psubscribe": self = .psubscribe
            case "ssubscribe": self = .ssubscribe
            case "unsubscribe": self = .unsubscribe
            case "punsubscribe": self = .punsubscribe
            case "sunsubscribe": self = .sunsubscribe
            case "message": self = .message
            case "pmessage": self = .pmessage
            case "smessage": self = .smessage
            default: return nil
            }
        }

        var isMessage: Bool { self == .message || self == .pmessage || self == .smessage }
    }

    /// Whether `parts` is a confirmation: `[subscribe|unsubscribe|…, name, count]`.
    static func isConfirmation(_ parts: [RESPValue]) -> Bool {
        guard parts.count == 3, let first = parts.first, let kind = Kind(first) else { return false }
        return !kind.isMessage
    }

    /// Whether `parts` is a message: `[message, channel, payload]`,
    /// `[pmessage, pattern, channel, payload]` or `[smessage, channel, payload]`.
    static func isMessage(_ parts: [RESPValue]) -> Bool {
        guard parts.count == 3 || parts.count == 4, let first = parts.first, let kind = Kind(first) else {
            return false
        }
        return kind.isMessage && (parts.count == 4) == (kind == .pmessage)
    }

    /// A message decoded from a frame.
    struct Message: Sendable {
        let kind: Kind
        let pattern: String?
        let channel: String
        let payload: ByteBuffer
    }

    /// Decodes a message frame (push or array); `nil` for anything else.
    static func message(_ value: RESPValue) -> Message? {
        guard let parts = value.array, isMessage(parts), let kind = Kind(parts[0]) else { return nil }
        if kind == .pmessage {
            guard let pattern = parts[1].string, let channel = parts[2].string, let payload = parts[3].bytes else {
                return nil
            }
            return Message(kind: kind, pattern: pattern, channel: channel, payload: payload)
        }
        guard let channel = parts[1].string, let payload = parts[2].bytes else { return nil }
        return Message(kind: kind, pattern: nil, channel: channel, payload: payload)
    }
}
