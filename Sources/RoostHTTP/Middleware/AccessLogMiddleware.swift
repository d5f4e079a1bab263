import Hummingbird
import Logging

/// Logs one structured line per request: method, path, status, duration and client.
///
/// The line goes to the request's logger, so it carries `request_id` when
/// ``RequestIDMiddleware`` runs first. Query strings are left out (they often hold
/// tokens). Errors that reach this middleware are logged with the status they will get
/// and rethrown.
///
/// ```swift
/// router.add(middleware: AccessLogMiddleware(clientIP: try ClientIPResolver(trustedProxies: ["10.0.0.0/8"])))
/// ```
public struct AccessLogMiddleware<Context: RoostRequestContext & RemoteAddressRequestContext>: RouterMiddleware {
    private let level: Logger.Level
    private let clientIP: ClientIPResolver

    /// Creates the middleware, logging at `level`, resolving clients with `clientIP`.
    public init(level: Logger.Level = .info, clientIP: ClientIPResolver = .direct) {
        self.level = level
        self.clientIP = clientIP
    }

    /// Times the rest of the chain and logs the outcome.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let status: Int
        do {
            let response = try await next(request, context)
            status = Int(response.status.code)
            log(request, context: context, status: status, since: start)
            return response
        } catch {
            status = Int((error as? any HTTPResponseError)?.status.code ?? 500)
            log(request, context: context, status: status, since: start)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
        guard context.logger.logLevel <= level else { return }
        let elapsed = start.duration(to: .now)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.log(
            level: level, "\(request.method) \(request.uri.path) \(status)",
            metadata: [
                "http.method": .string(request.method.rawValue),
                "http.path": .string(request.uri.path),
                "http.status": .stringConvertible(status),
                "http.duration_ms": .stringConvertible((milliseconds * 1000).rounded() / 1000),
                "client.ip": .string(clientIP.clientIP(request, context: context)?.description ?? "-"),
            ])
    }
}
