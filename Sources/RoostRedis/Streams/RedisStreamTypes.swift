import NIOCore

/// One entry of a Redis stream: its id (`1700000000000-0`) and its fields.
///
/// ```swift
/// for entry in try await connection.streamRange("events") {
///     print(entry.id, entry[string: "type"] ?? "-")
/// }
/// ```
public struct RedisStreamEntry: Hashable, Sendable {
    /// The entry id, `<milliseconds>-<sequence>`.
    public let id: String
    /// The field values, by field name.
    public let fields: [String: ByteBuffer]

    /// Creates an entry.
    public init(id: String, fields: [String: ByteBuffer]) {
        self.id = id
        self.fields = fields
    }

    /// A field's value decoded as UTF-8, or `nil` when the entry has no such field.
    public subscript(string field: String) -> String? { fields[field].map { String(buffer: $0) } }
}

/// How `XADD` and `XTRIM` bound a stream.
///
/// Approximate trimming (`~`, the default) lets the server trim whole internal nodes,
/// which is much cheaper; the stream may keep a few more entries than asked.
public enum RedisStreamTrim: Hashable, Sendable {
    /// Keep at most this many entries (`MAXLEN`).
    case maxLength(Int, approximate: Bool = true)
    /// Drop entries with ids below this one (`MINID`).
    case minID(String, approximate: Bool = true)

    var arguments: [RedisArgument] {
        switch self {
        case .maxLength(let count, let approximate):
            ["MAXLEN", approximate ? "~" : "=", .integer(Int64(count))]
        case .minID(let id, let approximate):
            ["MINID", approximate ? "~" : "=", .string(id)]
        }
    }
}

/// `XPENDING` summary: the entries delivered to a group and not yet acknowledged.
public struct RedisStreamPendingSummary: Hashable, Sendable {
    /// How many entries are pending.
    public let count: Int
    /// The smallest pending id, or `nil` when nothing is pending.
    public let smallestID: String?
    /// The greatest pending id, or `nil` when nothing is pending.
    public let greatestID: String?
    /// Pending entries per consumer.
    public let consumers: [String: Int]
}

/// One pending entry, from the extended form of `XPENDING`.
public struct RedisStreamPendingEntry: Hashable, Sendable {
    /// The entry id.
    public let id: String
    /// The consumer it was last delivered to.
    public let consumer: String
    /// Time since it was last delivered.
    public let idle: Duration
    /// How many times it was delivered.
    public let deliveries: Int
}

/// The result of `XAUTOCLAIM`.
public struct RedisStreamAutoClaim: Hashable, Sendable {
    /// Where the next call should start; `0-0` when the whole pending list was scanned.
    public let nextStart: String
    /// The entries now owned by the claiming consumer.
    public let entries: [RedisStreamEntry]
    /// Ids that were pending but no longer exist in the stream (Redis 7 and later); they
    /// were removed from the pending list.
    public let deletedIDs: [String]
}

/// The basics of `XINFO STREAM`.
public struct RedisStreamInfo: Hashable, Sendable {
    /// The number of entries.
    public let length: Int
    /// The number of consumer groups.
    public let groups: Int
    /// The id of the last entry ever added.
    public let lastGeneratedID: String
    /// The first entry, if any.
    public let firstEntry: RedisStreamEntry?
    /// The last entry, if any.
    public let lastEntry: RedisStreamEntry?
}

/// One consumer group, from `XINFO GROUPS`.
public struct RedisStreamGroupInfo: Hashable, Sendable {
    /// The group name.
    public let name: String
    /// The number of consumers.
    public let consumers: Int
    /// Entries delivered and not yet acknowledged.
    public let pending: Int
    /// The id of the last entry delivered to the group.
    public let lastDeliveredID: String
}

extension RedisConnection {
    /// An entry from `[id, [field, value, ...]]`; `nil` for an entry the server reports as
    /// deleted (a null field list).
    static func streamEntry(_ value: RESPValue) throws -> RedisStreamEntry? {
        let parts = try array(value)
        guard parts.count == 2, let id = parts[0].string else {
            throw RedisProtocolError.unexpected(value, expected: "a stream entry [id, fields]")
        }
        if parts[1].isNull { return nil }
        var fields: [String: ByteBuffer] = [:]
        for (name, field) in try pairs(parts[1]) {
            guard let bytes = field.bytes else { throw RedisProtocolError.unexpected(field, expected: "a string") }
            fields[String(buffer: name)] = bytes
        }
        return RedisStreamEntry(id: id, fields: fields)
    }

    static func streamEntries(_ value: RESPValue) throws -> [RedisStreamEntry] {
        if value.isNull { return [] }
        return try array(value).compactMap(streamEntry)
    }

    /// `XREAD`/`XREADGROUP` replies: a RESP3 map or RESP2 array of `[key, entries]`, or null.
    static func streamReadReply(_ reply: RESPValue) throws -> [String: [RedisStreamEntry]] {
        if reply.isNull { return [:] }
        var result: [String: [RedisStreamEntry]] = [:]
        if case .map(let pairs) = reply.withoutAttributes {
            for pair in pairs {
                guard let key = pair.key.string else { throw RedisProtocolError.unexpected(pair.key, expected: "a key") }
                result[key] = try streamEntries(pair.value)
            }
            return result
        }
        for element in try array(reply) {
            let parts = try array(element)
            guard parts.count == 2, let key = parts[0].string else {
                throw RedisProtocolError.unexpected(element, expected: "[key, entries]")
            }
            result[key] = try streamEntries(parts[1])
        }
        return result
    }

    /// A field of an `XINFO` reply (map in RESP3, flat array in RESP2).
    static func infoFields(_ reply: RESPValue) throws -> [String: RESPValue] {
        var fields: [String: RESPValue] = [:]
        for (key, value) in try pairs(reply) { fields[String(buffer: key)] = value }
        return fields
    }
}
