import NIOCore

/// Which members ``RedisConnection/sortedSetAdd(_:to:condition:countChanged:)`` may add
/// or update.
public enum RedisSortedSetAddCondition: Hashable, Sendable {
    /// Add new members and update existing ones.
    case always
    /// Only add new members; leave existing ones alone (`NX`).
    case onlyNew
    /// Only update existing members; add none (`XX`).
    case onlyExisting
    /// Add new members; update existing ones only to a greater score (`GT`).
    case ifGreater
    /// Add new members; update existing ones only to a smaller score (`LT`).
    case ifLess

    var argument: RedisArgument? {
        switch self {
        case .always: nil
        case .onlyNew: "NX"
        case .onlyExisting: "XX"
        case .ifGreater: "GT"
        case .ifLess: "LT"
        }
    }
}

/// One end of a score interval: `1.5`, `(1.5` or `-inf`.
public enum RedisScoreBound: Hashable, Sendable {
    /// Scores equal to the value are in the interval.
    case inclusive(Double)
    /// Scores equal to the value are not in the interval (`(`).
    case exclusive(Double)

    /// Below every score (`-inf`).
    public static let negativeInfinity = RedisScoreBound.inclusive(-.infinity)
    /// Above every score (`+inf`).
    public static let positiveInfinity = RedisScoreBound.inclusive(.infinity)

    var argument: RedisArgument {
        switch self {
        case .inclusive(let value): .double(value)
        case .exclusive(let value): .string("(" + RedisArgument.double(value).description)
        }
    }
}

/// One end of a lexicographic interval over members with equal scores: `[a`, `(a`, `-`, `+`.
public enum RedisLexBound: Hashable, Sendable {
    /// Members equal to the value are in the interval (`[`).
    case inclusive(String)
    /// Members equal to the value are not in the interval (`(`).
    case exclusive(String)
    /// Before every member (`-`).
    case minimum
    /// After every member (`+`).
    case maximum

    var argument: RedisArgument {
        switch self {
        case .inclusive(let value): .string("[" + value)
        case .exclusive(let value): .string("(" + value)
        case .minimum: "-"
        case .maximum: "+"
        }
    }
}

/// Which members of a sorted set ``RedisConnection/sortedSetRange(_:_:reversed:limit:)``
/// returns.
public enum RedisSortedSetRange: Hashable, Sendable {
    /// By position, both ends included; negative positions count from the end (-1 is the
    /// last).
    case rank(Int, Int)
    /// By score, from the lower bound to the upper one (`BYSCORE`).
    case score(RedisScoreBound, RedisScoreBound)
    /// By member, from the lower bound to the upper one, for members that all have the
    /// same score (`BYLEX`).
    case lex(RedisLexBound, RedisLexBound)
}

/// A member of a sorted set with its score.
public struct RedisScoredMember: Hashable, Sendable {
    /// The member.
    public var member: ByteBuffer
    /// Its score.
    public var score: Double

    /// The member decoded as UTF-8.
    public var memberString: String { String(buffer: member) }

    /// Creates a scored member.
    public init(member: ByteBuffer, score: Double) {
        self.member = member
        self.score = score
    }
}
