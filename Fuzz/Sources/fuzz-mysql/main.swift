// Feeds arbitrary bytes to RoostMySQL's decoders: the packet framer (whole and split in
// two reads), then every payload to each packet parser a server's answer can reach —
// handshake, OK, ERR, EOF, auth switch and more-data, column definitions, prepare OK —
// and to the text and binary row decoders with the columns parsed so far, then every
// value to the typed decoders. Each must return a value or throw its typed error;
// anything else (a crash, a hang, unbounded memory) is a finding.
import Foundation
import FuzzDriver
import NIOCore

@testable import RoostMySQL

runFuzzer(fuzzMySQL)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMySQL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var payloads = [ByteBuffer(bytes: bytes)]
    payloads += frame(ByteBuffer(bytes: bytes))
    if size > 1 {
        // The same bytes arriving in two reads must frame the same way.
        let split = Int(bytes[0]) % size
        var decoder = MySQLPacketDecoder(maximumPacketSize: 1 << 16)
        var first = ByteBuffer(bytes: bytes[..<split])
        do {
            while try decoder.decode(buffer: &first) != nil {}
            first.writeBytes(bytes[split...])
            while try decoder.decode(buffer: &first) != nil {}
        } catch {
            // A typed protocol error is a correct answer to malformed input.
        }
    }
    let capabilities = MySQLCapabilities.clientDefault.union(size > 0 && bytes[0] & 1 == 1 ? .sessionTrack : [])
    var columns: [MySQLColumn] = []
    for payload in payloads.prefix(64) {
        _ = try? MySQLHandshake(payload: payload)
        _ = try? MySQLOKPacket(payload: payload, capabilities: capabilities)
        _ = try? MySQLERRPacket(payload: payload, capabilities: capabilities)
        _ = try? MySQLEOFPacket(payload: payload)
        _ = try? MySQLAuthSwitchRequest(payload: payload)
        _ = try? MySQLAuthMoreData(payload: payload)
        _ = try? MySQLPreparedStatement.Header(payload: payload)
        if let column = try? MySQLColumn(payload: payload), columns.count < 16 { columns.append(column) }
    }
    guard !columns.isEmpty else { return 0 }
    for payload in payloads.prefix(64) {
        for row in [try? MySQLRow(textPayload: payload, columns: columns), try? MySQLRow(binaryPayload: payload, columns: columns)] {
            guard let row else { continue }
            for index in row.values.indices { decodeEveryWay(row[index]) }
        }
    }
    return 0
}

/// Every packet the framer produces from `input`.
private func frame(_ input: ByteBuffer) -> [ByteBuffer] {
    var buffer = input
    var decoder = MySQLPacketDecoder(maximumPacketSize: 1 << 16)
    var payloads: [ByteBuffer] = []
    do {
        while let packet = try decoder.decode(buffer: &buffer) { payloads.append(packet.payload) }
    } catch {
        // A typed protocol error is a correct answer to malformed input.
    }
    return payloads
}

private func decodeEveryWay(_ value: MySQLValue) {
    _ = try? value.decode(String.self)
    _ = try? value.decode(Int64.self)
    _ = try? value.decode(UInt64.self)
    _ = try? value.decode(Int8.self)
    _ = try? value.decode(Double.self)
    _ = try? value.decode(Float.self)
    _ = try? value.decode(Bool.self)
    _ = try? value.decode(Decimal.self)
    _ = try? value.decode(Date.self)
    _ = try? value.decode(Data.self)
    _ = try? value.decode(UUID.self)
}
