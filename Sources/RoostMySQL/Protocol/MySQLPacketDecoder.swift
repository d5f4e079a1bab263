import NIOCore

/// Incremental frame decoder: turns a byte stream that arrives in arbitrary pieces into
/// whole ``MySQLPacket``s, joining split packets.
///
/// Hostile lengths are bounded: a frame header whose length would push the joined
/// payload past ``maximumPacketSize`` fails at once with `mysql.protocol.tooLarge`, before
/// any of its bytes are buffered. The first packet of a connection (the server greeting,
/// a few hundred bytes) is held to ``maximumGreetingSize``, so a peer that is not a
/// MySQL server fails fast instead of being read as the header of a huge packet. Frames
/// of a split packet must carry consecutive sequence ids.
struct MySQLPacketDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = MySQLPacket

    /// The largest joined payload accepted.
    let maximumPacketSize: Int

    /// The largest first packet accepted.
    static let maximumGreetingSize = 16 * 1024

    /// The frames of a split packet read so far.
    private var partial: MySQLPacket?
    /// Whether a whole packet has been decoded yet.
    private var decodedFirstPacket = false

    init(maximumPacketSize: Int = 64 * 1024 * 1024) {
        precondition(maximumPacketSize > 0)
        self.maximumPacketSize = maximumPacketSize
    }

    mutating func decode(buffer: inout ByteBuffer) throws -> MySQLPacket? {
        while true {
            guard buffer.readableBytes >= 4,
                let b0 = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
                let b1 = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self),
                let b2 = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt8.self),
                let sequenceID = buffer.getInteger(at: buffer.readerIndex + 3, as: UInt8.self)
            else { return nil }
            let length = Int(b0) | Int(b1) << 8 | Int(b2) << 16
            let joinedLength = (partial?.payload.readableBytes ?? 0) + length
            let limit = decodedFirstPacket ? maximumPacketSize : min(maximumPacketSize, Self.maximumGreetingSize)
            guard joinedLength <= limit else {
                throw MySQLProtocolError(
                    .tooLarge,
                    "\(decodedFirstPacket ? "packet" : "first packet") of at least \(joinedLength) bytes exceeds the limit of \(limit)")
            }
            if let partial, sequenceID != partial.lastSequenceID &+ 1 {
                throw MySQLProtocolError(
                    .malformed, "split packet frame has sequence id \(sequenceID), expected \(partial.lastSequenceID &+ 1)")
            }
            guard buffer.readableBytes >= 4 + length else { return nil }
            buffer.moveReaderIndex(forwardBy: 4)
            var frame = buffer.readSlice(length: length)!

            var packet: MySQLPacket
            if var joined = partial {
                joined.payload.writeBuffer(&frame)
                joined.lastSequenceID = sequenceID
                packet = joined
            } else {
                packet = MySQLPacket(sequenceID: sequenceID, payload: frame)
            }
            if length == MySQLPacket.maximumFramePayload {
                if partial == nil {
                    // Copy so the joined payload owns its storage instead of growing a slice.
                    var owned = ByteBufferAllocator().buffer(capacity: length * 2)
                    owned.writeBuffer(&packet.payload)
                    packet.payload = owned
                }
                partial = packet
                continue
            }
            partial = nil
            decodedFirstPacket = true
            return packet
        }
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MySQLPacket? {
        if let packet = try decode(buffer: &buffer) { return packet }
        if seenEOF, buffer.readableBytes > 0 || partial != nil {
            throw MySQLProtocolError(.malformed, "connection closed in the middle of a packet")
        }
        return nil
    }
}
