import HTTPTypes
import Hummingbird

extension Router {
    /// Answers `405 Method Not Allowed`, with an `Allow` header, for requests whose path
    /// matches a route but whose method does not — instead of Hummingbird's `404`.
    ///
    /// Call it **after** adding every route (and after the middleware, so the 405 is an
    /// envelope). It registers, for each path, the common methods (`GET`, `POST`, `PUT`,
    /// `PATCH`, `DELETE`) that the path lacks.
    ///
    /// ```swift
    /// router.addRoostMiddleware()
    /// router.get("/orders") { … }
    /// router.addMethodNotAllowedResponses()   // POST /orders → 405, Allow: GET
    /// ```
    @discardableResult
    public func addMethodNotAllowedResponses() -> Self {
        let common: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
        var paths: [String: (path: RouterPath, methods: Set<HTTPRequest.Method>)] = [:]
        for route in routes {
            paths[route.path.description, default: (route.path, [])].methods.insert(route.method)
        }
        for (_, entry) in paths.sorted(by: { $0.key < $1.key }) {
            let allowed = entry.methods.map(\.rawValue).sorted().joined(separator: ", ")
            for method in common where !entry.methods.contains(method) {
                on(entry.path, method: method) { _, _ -> Response in
                    throw HTTPError(
                        .methodNotAllowed, headers: [.allow: allowed],
                        message: "\(method.rawValue) is not allowed here; use \(allowed)")
                }
            }
        }
        return self
    }
}
