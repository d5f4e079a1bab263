import NIOCore

/// A command to send to Redis: its name followed by its arguments.
///
/// On the wire a command is a RESP array of bulk strings, written straight into the
/// outgoing buffer by ``encode(into:)``.
///
/// ```swift
/// let command = RedisCommand("SET", "greeting", "hello", "EX", 60)
/// var buffer = ByteBuffer()
/// command.encode(into: &buffer)  // *5\r\n$3\r\nSET\r\n$8\r\ngreeting\r\n...
/// ```
public struct RedisCommand: Hashable, Sendable, CustomStringConvertible {
    /// The command name, such as `GET` or `CLIENT`.
    public var name: String
    /// The arguments after the name (for `CLIENT SETNAME x`: `SETNAME`, `x`).
    public var arguments: [RedisArgument]
    /// Whether the command may block on the server (`BLPOP`, `XREAD BLOCK`): it then runs
    /// under the blocking-command timeout instead of the ordinary one.
    public var isBlocking: Bool

    /// Creates a command from a name and an argument list.
    public init(_ name: String, arguments: [RedisArgument], isBlocking: Bool = false) {
        self.name = name
        self.arguments = arguments
        self.isBlocking = isBlocking
    }

    /// Creates a command from a name and arguments.
    public init(_ name: String, _ arguments: RedisArgument...) {
        self.init(name, arguments: arguments)
    }

    /// Appends the command to `buffer` as a RESP array of bulk strings.
    ///
    /// The whole command is written with one capacity check, so a pipeline of small
    /// commands costs little to encode.
    @inlinable
    public func encode(into buffer: inout ByteBuffer) {
        let name = RedisArgument.string(name)
        let total = arguments.reduce(RedisArgument.framing + name.encodedLength) { $0 + $1.encodedLength }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { out in
            var index = RedisArgument.writeLine(prefix: UInt8(ascii: "*"), Int64(arguments.count + 1), into: out, at: 0)
            index = name.write(into: out, at: index)
            for argument in arguments { index = argument.write(into: out, at: index) }
            return index
        }
    }

    /// The command as text, with credentials replaced by `<redacted>` (the arguments of
    /// `AUTH`, and of `HELLO` after `AUTH`).
    public var description: String {
        var parts = [name]
        var redactRest = name.uppercased() == "AUTH"
        for argument in arguments {
            parts.append(redactRest ? "<redacted>" : argument.description)
            if name.uppercased() == "HELLO", argument.description.uppercased() == "AUTH" { redactRest = true }
        }
        return parts.joined(separator: " ")
    }
}
