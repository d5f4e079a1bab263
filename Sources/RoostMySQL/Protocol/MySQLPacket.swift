import NIOCore

/// One logical MySQL packet: a payload with the sequence ids of the frames that carried it.
///
/// On the wire every frame is a 3-byte little-endian payload length, a 1-byte sequence
/// id and the payload. A payload of 16 MiB - 1 bytes or more is split into frames of
/// exactly 0xFFFFFF bytes followed by a shorter (possibly empty) frame; ``MySQLPacketDecoder``
/// joins them again and ``write(payload:sequenceID:into:)`` splits.
struct MySQLPacket: Sendable, Equatable {
    /// The largest payload a single frame carries.
    static let maximumFramePayload = 0xFF_FFFF

    /// The sequence id of the first frame.
    var sequenceID: UInt8
    /// The sequence id of the last frame (equal to ``sequenceID`` unless the packet was split).
    var lastSequenceID: UInt8
    /// The joined payload.
    var payload: ByteBuffer

    init(sequenceID: UInt8, lastSequenceID: UInt8? = nil, payload: ByteBuffer) {
        self.sequenceID = sequenceID
        self.lastSequenceID = lastSequenceID ?? sequenceID
        self.payload = payload
    }

    /// The sequence id the peer's next packet must carry.
    var nextSequenceID: UInt8 { lastSequenceID &+ 1 }

    /// The first payload byte, which tells OK (0x00), EOF (0xFE), ERR (0xFF) and others apart.
    var header: UInt8? { payload.getInteger(at: payload.readerIndex, as: UInt8.self) }

    /// Writes `payload` as one or more frames starting at `sequenceID` and returns the
    /// sequence id that follows the last frame written.
    @discardableResult
    static func write(payload: ByteBuffer, sequenceID: UInt8, into out: inout ByteBuffer) -> UInt8 {
        var payload = payload
        var sequenceID = sequenceID
        // Room for every frame's 4-byte header at once, so the frames are copied in without
        // the buffer growing on the way.
        let frames = payload.readableBytes / maximumFramePayload + 1
        out.reserveCapacity(minimumWritableBytes: payload.readableBytes + 4 * frames)
        while true {
            let length = min(payload.readableBytes, maximumFramePayload)
            out.writeMySQLUInt24(UInt32(length))
            out.writeInteger(sequenceID)
            var chunk = payload.readSlice(length: length)!
            out.writeBuffer(&chunk)
            sequenceID &+= 1
            // A frame of exactly the maximum size says "more follows", so a payload whose
            // length is a multiple of it ends with an empty frame.
            if length < maximumFramePayload { return sequenceID }
        }
    }
}
