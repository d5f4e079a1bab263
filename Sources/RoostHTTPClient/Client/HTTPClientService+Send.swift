import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

extension HTTPClientService {
    /// Encodes the request body, turning an encoding failure into an `invalidRequest` error.
    func encodeBody(of request: ClientRequest) throws(RoostHTTPClientError) -> ByteBuffer? {
        guard let body = request.body else { return nil }
        do {
            return try body.encode()
        } catch {
            throw RoostHTTPClientError(
                .invalidRequest, method: request.method.rawValue, url: request.url,
                detail: "the body could not be encoded (\(error))", underlying: error)
        }
    }

    /// Sends one attempt and returns once the response head arrived; the body streams.
    func send(_ request: ClientRequest, body: ByteBuffer?, extraHeaders: HTTPHeaders) async throws -> HTTPClientResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        outgoing.headers = request.headers
        for (name, value) in configuration.defaultHeaders where !outgoing.headers.contains(name: name) {
            outgoing.headers.add(name: name, value: value)
        }
        for (name, value) in extraHeaders { outgoing.headers.replaceOrAdd(name: name, value: value) }
        if let body {
            outgoing.body = .bytes(body)
            if let contentType = request.body?.contentType, !outgoing.headers.contains(name: "Content-Type") {
                outgoing.headers.add(name: "Content-Type", value: contentType)
            }
        }
        let total = request.timeout ?? configuration.timeouts.total
        do {
            return try await client.execute(
                outgoing, deadline: .now() + TimeAmount(total), logger: configuration.logger)
        } catch {
            throw classify(error, of: request)
        }
    }

    /// Reads the whole body of `response`, failing when it exceeds `limit` bytes.
    func collect(_ response: HTTPClientResponse, of request: ClientRequest, limit: Int) async throws -> ClientResponse {
        let method = request.method.rawValue
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
            throw RoostHTTPClientError(
                .bodyTooLarge, method: method, url: request.url,
                detail: "Content-Length is \(length) bytes, the limit is \(limit)")
        }
        do {
            let body = try await response.body.collect(upTo: limit)
            return ClientResponse(
                status: response.status, headers: response.headers, body: body, requestMethod: method,
                requestURL: request.url)
        } catch is NIOTooManyBytesError {
            throw RoostHTTPClientError(
                .bodyTooLarge, method: method, url: request.url, detail: "the body exceeds the limit of \(limit) bytes")
        } catch {
            throw classify(error, of: request)
        }
    }

    /// Maps an AsyncHTTPClient or NIO error to a ``RoostHTTPClientError``; cancellation
    /// becomes `CancellationError`.
    func classify(_ error: any Error, of request: ClientRequest) -> any Error {
        if error is RoostHTTPClientError || error is CancellationError { return error }
        let method = request.method.rawValue
        func make(_ kind: RoostHTTPClientError.Kind, _ detail: String) -> RoostHTTPClientError {
            RoostHTTPClientError(kind, method: method, url: request.url, detail: detail, underlying: error)
        }
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .connectTimeout: return make(.timeout, "no connection within the connect timeout")
            case .readTimeout: return make(.timeout, "the server sent nothing within the read timeout")
            case .deadlineExceeded: return make(.timeout, "the request took longer than the total timeout")
            case .redirectLimitReached: return make(.tooManyRedirects, "the redirect limit was reached")
            case .redirectCycleDetected: return make(.tooManyRedirects, "the redirects form a cycle")
            case .alreadyShutdown: return make(.shutdown, "the client is shut down")
            case .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath:
                return make(.invalidRequest, "the URL is not valid")
            case .cancelled, .requestStreamCancelled:
                if Task.isCancelled { return CancellationError() }
                return make(.connection, "the request was cancelled by the connection (\(clientError))")
            default:
                if clientError.shortDescription == "Unsupported scheme" {
                    return make(.invalidRequest, "the URL scheme is not supported (use http or https)")
                }
                return make(.connection, "\(clientError)")
            }
        }
        if Task.isCancelled { return CancellationError() }
        return make(.connection, "\(error)")
    }
}
