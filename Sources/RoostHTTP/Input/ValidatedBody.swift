import Foundation
import Hummingbird

/// A request body that checks itself after decoding, reporting every problem at once.
///
/// ```swift
/// struct NewProduct: ValidatedBody {
///     var name: String
///     var price: Decimal
///     func validate(into errors: inout FieldErrors) {
///         errors.check(!name.isEmpty, "name", "must not be empty")
///         errors.check(price > 0, "price", "must be positive")
///     }
/// }
/// router.post("/products") { request, context in
///     let product = try await request.decodeValidated(as: NewProduct.self, context: context)
///     …
/// }
/// ```
public protocol ValidatedBody: Decodable {
    /// Adds a problem to `errors` for each invalid field.
    func validate(into errors: inout FieldErrors)
}

extension Request {
    /// Decodes the body with the context's decoder and validates it.
    ///
    /// - Throws: ``InvalidArguments`` naming the field when the body does not decode
    ///   (missing field, wrong type, malformed JSON) or when validation finds problems.
    public func decodeValidated<Body: ValidatedBody>(
        as type: Body.Type, context: some RequestContext
    ) async throws -> Body {
        let body: Body
        do {
            body = try await context.requestDecoder.decode(type, from: self, context: context)
        } catch let error as DecodingError {
            let (field, problem) = DecodingProblem.describe(error)
            throw InvalidArguments(fields: [field: [problem]])
        }
        var errors = FieldErrors()
        body.validate(into: &errors)
        try errors.throwIfAny()
        return body
    }
}

/// Turns a `DecodingError` into a field name and a problem, without echoing the input.
enum DecodingProblem {
    static func describe(_ error: DecodingError) -> (field: String, problem: String) {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "body" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return (parent == "body" ? key.stringValue : "\(parent).\(key.stringValue)", "is required")
        case .typeMismatch(let type, let context): return (path(context), "must be \(type)")
        case .valueNotFound(let type, let context): return (path(context), "must be a \(type), not null")
        case .dataCorrupted(let context): return (path(context), "is not valid JSON")
        @unknown default: return ("body", "could not be decoded")
        }
    }
}
