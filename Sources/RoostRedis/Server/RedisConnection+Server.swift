import Foundation
import NIOCore

/// The server's clock, as `TIME` reports it.
public struct RedisServerTime: Hashable, Sendable {
    /// Whole seconds since the Unix epoch.
    public let seconds: Int64
    /// Microseconds into the current second (0..<1,000,000).
    public let microseconds: Int64

    /// The time as a `Date` (to the microsecond, as far as `Double` keeps it).
    public var date: Date { Date(timeIntervalSince1970: Double(seconds) + Double(microseconds) / 1_000_000) }

    /// Microseconds since the Unix epoch.
    public var microsecondsSinceEpoch: Int64 { seconds * 1_000_000 + microseconds }
}

/// The reply of `INFO`, parsed: sections (`server`, `clients`, `memory`, ...) of
/// `name: value` fields.
///
/// ```swift
/// let info = try await connection.info("server")
/// print(info["server", "redis_version"] ?? "?")
/// ```
public struct RedisServerInfo: Hashable, Sendable {
    /// Fields by section name (lower case, as in `# Server` → `server`), then field name.
    public let sections: [String: [String: String]]

    /// Parses the text `INFO` returns.
    public init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var current = ""
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("#") {
                current = line.dropFirst().trimmingCharacters(in: .whitespaces).lowercased()
                sections[current, default: [:]] = [:]
            } else if let colon = line.firstIndex(of: ":") {
                sections[current, default: [:]][String(line[..<colon])] = String(line[line.index(after: colon)...])
            }
        }
        self.sections = sections
    }

    /// One field of one section, or `nil`.
    public subscript(section: String, field: String) -> String? { sections[section.lowercased()]?[field] }
}

extension RedisConnection {
    /// `ECHO`: the server sends `message` back.
    public func echo(_ message: RedisArgument) async throws -> ByteBuffer {
        let reply = try await send(RedisCommand("ECHO", message))
        guard let bytes = reply.bytes else { throw RedisProtocolError.unexpected(reply, expected: "a string") }
        return bytes
    }

    /// `TIME`: the server's clock. Coordination that must agree across machines (rate
    /// windows, leases) should use it rather than each machine's own clock.
    ///
    /// ```swift
    /// let now = try await connection.time().date
    /// ```
    public func time() async throws -> RedisServerTime {
        let reply = try await send(RedisCommand("TIME"))
        let parts = try Self.array(reply)
        guard parts.count == 2, let seconds = parts[0].integer, let micros = parts[1].integer else {
            throw RedisProtocolError.unexpected(reply, expected: "[seconds, microseconds]")
        }
        return RedisServerTime(seconds: seconds, microseconds: micros)
    }

    /// `INFO`: server statistics, parsed into sections; `section` limits the reply to one
    /// (`server`, `clients`, `memory`, `stats`, `replication`, `keyspace`, ...).
    public func info(_ section: String? = nil) async throws -> RedisServerInfo {
        let reply = try await send(RedisCommand("INFO", arguments: section.map { [.string($0)] } ?? []))
        guard let text = reply.string else { throw RedisProtocolError.unexpected(reply, expected: "a string") }
        return RedisServerInfo(parsing: text)
    }
}
