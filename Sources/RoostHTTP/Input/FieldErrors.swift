/// Problems found in a request's input, by field, collected so that one `400` reports
/// all of them.
///
/// ```swift
/// var errors = FieldErrors()
/// errors.check(!name.isEmpty, "name", "must not be empty")
/// errors.check(age >= 0, "age", "must not be negative")
/// try errors.throwIfAny()   // InvalidArguments listing both
/// ```
public struct FieldErrors: Sendable, Equatable {
    /// Problems by field name, in the order found.
    public private(set) var fields: [String: [String]] = [:]

    /// Creates an empty collection.
    public init() {}

    /// Whether nothing was found.
    public var isEmpty: Bool { fields.isEmpty }

    /// Records a problem with `field`.
    public mutating func add(_ field: String, _ problem: String) {
        fields[field, default: []].append(problem)
    }

    /// Records `problem` for `field` unless `condition` holds.
    public mutating func check(_ condition: Bool, _ field: String, _ problem: String) {
        if !condition { add(field, problem) }
    }

    /// Throws ``InvalidArguments`` with every problem, if there are any.
    public func throwIfAny() throws(InvalidArguments) {
        if !fields.isEmpty { throw InvalidArguments(fields: fields) }
    }
}
