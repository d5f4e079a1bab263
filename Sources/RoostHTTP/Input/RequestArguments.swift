import Hummingbird

/// Typed access to a request's path and query arguments, with defaults, clamping and
/// one `400 Invalid Arguments` listing every bad argument.
///
/// Getters never throw: a missing optional argument gives its default, a malformed one
/// is recorded and gives the default too. Call ``validate()`` once after reading; it throws
/// ``InvalidArguments`` when anything was wrong, so values read with ``required(_:as:)``
/// are non-`nil` after it returns.
///
/// ```swift
/// router.get("/products/:id") { request, context in
///     var args = RequestArguments(request, context: context)
///     let id = args.required("id", as: Int.self)
///     let page = args.int("page", default: 1, clampedTo: 1...1_000)
///     let tags = args.list("tag", as: String.self)
///     try args.validate()
///     return Envelope.success(try await products.find(id!, page: page, tags: tags), context: context)
/// }
/// ```
public struct RequestArguments: Sendable {
    private let values: [String: [String]]
    /// The problems found so far.
    public private(set) var errors = FieldErrors()

    /// Reads the path parameters and query string of a request (path parameters win).
    public init(_ request: Request, context: some RequestContext) {
        var values: [String: [String]] = [:]
        for (name, value) in request.uri.queryParameters {
            values[String(name), default: []].append(String(value))
        }
        for (name, value) in context.parameters {
            values[String(name)] = [String(value)]
        }
        self.values = values
    }

    /// Reads arguments from a dictionary of values (repeated names keep every value).
    public init(values: [String: [String]]) {
        self.values = values
    }

    /// The raw first value of `name`, if present.
    public func raw(_ name: String) -> String? { values[name]?.first }

    /// A value converted with `LosslessStringConvertible`; `default` when absent or invalid.
    public mutating func value<T: LosslessStringConvertible>(_ name: String, as type: T.Type, default fallback: T) -> T {
        parse(name, as: type) ?? fallback
    }

    /// A value that must be present and valid; records a problem and returns `nil` when not.
    public mutating func required<T: LosslessStringConvertible>(_ name: String, as type: T.Type) -> T? {
        guard raw(name) != nil else {
            errors.add(name, "is required")
            return nil
        }
        return parse(name, as: type)
    }

    /// A string, trimmed, cut to `maxLength` characters.
    public mutating func string(_ name: String, default fallback: String = "", maxLength: Int = .max) -> String {
        guard let text = raw(name)?.trimmingCharacters(in: .whitespaces) else { return fallback }
        return String(text.prefix(maxLength))
    }

    /// An integer, clamped into `range` (the peers' `get_arg_int(min, max)`).
    public mutating func int(_ name: String, default fallback: Int, clampedTo range: ClosedRange<Int>? = nil) -> Int {
        let value = parse(name, as: Int.self) ?? fallback
        return range.map { min(max(value, $0.lowerBound), $0.upperBound) } ?? value
    }

    /// A floating-point number, clamped into `range`.
    public mutating func double(
        _ name: String, default fallback: Double, clampedTo range: ClosedRange<Double>? = nil
    ) -> Double {
        guard let value = parse(name, as: Double.self), value.isFinite else {
            if let text = raw(name), Double(text)?.isFinite == false { errors.add(name, "must be a finite number") }
            return fallback
        }
        return range.map { min(max(value, $0.lowerBound), $0.upperBound) } ?? value
    }

    /// A boolean: `true/false`, `1/0`, `yes/no`, `on/off`, any case.
    public mutating func bool(_ name: String, default fallback: Bool) -> Bool {
        guard let text = raw(name) else { return fallback }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            errors.add(name, "must be true or false")
            return fallback
        }
    }

    /// Every value of a repeated (`?id=1&id=2`) or comma-separated (`?id=1,2`) argument.
    public mutating func list<T: LosslessStringConvertible>(_ name: String, as type: T.Type) -> [T] {
        let items = (values[name] ?? []).flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var result: [T] = []
        for item in items {
            if let value = T(item) { result.append(value) } else { errors.add(name, "\"\(item)\" is not a valid \(T.self)") }
        }
        return result
    }

    /// Throws ``InvalidArguments`` listing every problem found by the getters.
    public func validate() throws(InvalidArguments) {
        try errors.throwIfAny()
    }

    private mutating func parse<T: LosslessStringConvertible>(_ name: String, as type: T.Type) -> T? {
        guard let text = raw(name) else { return nil }
        guard let value = T(text.trimmingCharacters(in: .whitespaces)) else {
            errors.add(name, "must be a valid \(T.self)")
            return nil
        }
        return value
    }
}
