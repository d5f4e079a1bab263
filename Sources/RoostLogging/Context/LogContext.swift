import Logging

/// Values that belong to the work a task is doing — the request it serves, the scope it
/// runs in — carried in task-local storage so that every log line written by that task
/// and its child tasks can include them without passing a logger around.
///
/// Bind them around the work, and install ``Logging/Logger/MetadataProvider/roostContext``
/// once:
///
/// ```swift
/// LoggingSystem.bootstrap(
///     { label, provider in JSONLogHandler(label: label, sink: sink, metadataProvider: provider) },
///     metadataProvider: .roostContext)
///
/// try await LogContext.$requestID.withValue(request.id) {
///     try await LogContext.$scopeName.withValue("orders") {
///         logger.info("placing order")  // {"…","message":"placing order","request_id":"…","scope":"orders"}
///     }
/// }
/// ```
public enum LogContext {
    /// The id of the request being served (logged as `request_id`).
    @TaskLocal public static var requestID: String?

    /// The name of the service scope the work runs in (logged as `scope`).
    @TaskLocal public static var scopeName: String?

    /// The metadata key for ``requestID``.
    public static let requestIDKey = "request_id"
    /// The metadata key for ``scopeName``.
    public static let scopeNameKey = "scope"

    /// The bound values as log metadata; empty when nothing is bound.
    public static var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        if let requestID { metadata[requestIDKey] = .string(requestID) }
        if let scopeName { metadata[scopeNameKey] = .string(scopeName) }
        return metadata
    }
}

extension Logger.MetadataProvider {
    /// Adds ``LogContext/requestID`` as `request_id` and ``LogContext/scopeName`` as
    /// `scope` to every line logged while they are bound.
    public static let roostContext = Logger.MetadataProvider { LogContext.metadata }

    /// Adds ``LogContext/requestID`` as `request_id`.
    public static let requestID = Logger.MetadataProvider {
        LogContext.requestID.map { [LogContext.requestIDKey: .string($0)] } ?? [:]
    }

    /// Adds ``LogContext/scopeName`` as `scope`.
    public static let scopeName = Logger.MetadataProvider {
        LogContext.scopeName.map { [LogContext.scopeNameKey: .string($0)] } ?? [:]
    }
}
