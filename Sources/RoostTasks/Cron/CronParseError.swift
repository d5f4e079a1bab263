import RoostCore

/// Why a cron expression could not be parsed: the field, the offending token and what
/// the field allows.
///
/// ```swift
/// do {
///     _ = try CronSchedule("61 * * * *")
/// } catch {
///     // [tasks.cron.invalid_expression] Cannot use "61" in the minute field of
///     // "61 * * * *": 61 is outside 0-59. The minute field allows ...
///     logger.error("\(error)")
/// }
/// ```
public struct CronParseError: RoostError, Equatable {
    /// The part of the expression that is wrong.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        /// The expression as a whole (field count, macros).
        case expression
        /// The optional leading seconds field of a six-field expression.
        case second
        /// The minute field.
        case minute
        /// The hour field.
        case hour
        /// The day-of-month field.
        case dayOfMonth
        /// The month field.
        case month
        /// The day-of-week field.
        case dayOfWeek

        /// The field's name as written in messages, such as "day-of-month".
        public var displayName: String {
            switch self {
            case .expression: "expression"
            case .second: "second"
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day-of-month"
            case .month: "month"
            case .dayOfWeek: "day-of-week"
            }
        }

        /// What the field accepts.
        public var allowed: String {
            let common = "*, lists (a,b), ranges (a-b) and steps (*/n, a-b/n, a/n)"
            switch self {
            case .expression:
                return "5 fields (minute hour day-of-month month day-of-week), 6 fields with leading seconds, "
                    + "or one of @yearly @annually @monthly @weekly @daily @midnight @hourly"
            case .second: return "0-59, \(common)"
            case .minute: return "0-59, \(common)"
            case .hour: return "0-23, \(common)"
            case .dayOfMonth:
                return "1-31, \(common), ?, L (last day), L-n (n days before the last day), "
                    + "nW (weekday nearest day n) and LW (last weekday)"
            case .month: return "1-12 or JAN-DEC, \(common)"
            case .dayOfWeek:
                return "0-7 (0 and 7 are Sunday) or SUN-SAT, \(common), ?, nL (last weekday n of the month, "
                    + "as in 5L) and d#k (k-th weekday d of the month, as in MON#2)"
            }
        }
    }

    /// What is wrong with the token.
    public enum Reason: Sendable, Hashable {
        /// The expression has this many fields instead of 5 or 6.
        case wrongFieldCount(Int)
        /// A macro that does not exist (or is not supported, such as `@reboot`).
        case unknownMacro
        /// The token is empty, as in `1,,2`.
        case empty
        /// The token is neither a number nor a name the field knows.
        case notAValue
        /// The value lies outside the field's range.
        case outOfRange(Int, ClosedRange<Int>)
        /// A range whose start is after its end, as in `50-10`.
        case reversedRange
        /// A step that is zero, not a number, or larger than the field's span.
        case invalidStep
        /// A special form (`L`, `W`, `#`) that is malformed or not valid in this field.
        case invalidSpecial
    }

    /// The whole expression that failed to parse.
    public let expression: String
    /// The field that holds the bad token.
    public let field: Field
    /// The bad token, as written.
    public let token: String
    /// What is wrong with the token.
    public let reason: Reason

    /// Creates the error.
    public init(expression: String, field: Field, token: String, reason: Reason) {
        self.expression = expression
        self.field = field
        self.token = token
        self.reason = reason
    }

    /// `tasks.cron.invalid_expression`
    public var code: ErrorCode { "tasks.cron.invalid_expression" }

    /// What is wrong, where, and what the field allows.
    public var message: String {
        let problem: String
        switch reason {
        case .wrongFieldCount(let count): problem = "it has \(count) fields"
        case .unknownMacro: problem = "\(token) is not a supported macro"
        case .empty: problem = "a list item is empty"
        case .notAValue: problem = "it is not a number or a known name"
        case .outOfRange(let value, let range):
            problem = "\(value) is outside \(range.lowerBound)-\(range.upperBound)"
        case .reversedRange: problem = "the range starts after it ends"
        case .invalidStep: problem = "the step must be a whole number from 1 up to the field's span"
        case .invalidSpecial: problem = "this special form is malformed or not valid here"
        }
        return "Cannot use \"\(token)\" in the \(field.displayName) field of cron expression \"\(expression)\": "
            + "\(problem). The \(field.displayName) field allows \(field.allowed)."
    }
}
