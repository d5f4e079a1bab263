import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension HTTPClientService {
    /// Downloads a resource to a file, streaming it to disk, with progress and resumption.
    ///
    /// Bytes go to `<path>.part`, which is moved to `path` once complete. When a connection
    /// breaks mid-body and the policy retries, the next attempt asks only for the missing
    /// bytes (`Range`, guarded by `If-Range` with the `ETag` or `Last-Modified` value); a
    /// server that answers 200 instead restarts the file. A failed download removes the
    /// part file unless ``DownloadOptions/keepPartialOnFailure`` is set; cancellation always
    /// removes it. Statuses other than 2xx fail with
    /// ``RoostHTTPClientError/Kind-swift.enum/httpStatus`` (retried per policy).
    ///
    /// ```swift
    /// let result = try await http.download(ClientRequest(.GET, url), to: "/tmp/data.csv") { progress in
    ///     logger.debug("\(progress.receivedBytes) of \(progress.totalBytes ?? -1)")
    /// }
    /// ```
    public func download(
        _ request: ClientRequest, to path: String, options: DownloadOptions = DownloadOptions(),
        progress: (@Sendable (DownloadProgress) -> Void)? = nil
    ) async throws -> DownloadResult {
        let file = PartialFile(destination: path)
        let method = request.method.rawValue
        func fileError(_ error: any Error, _ what: String) -> RoostHTTPClientError {
            RoostHTTPClientError(
                .file, method: method, url: request.url, detail: "\(what) (\(error))", underlying: error)
        }
        do {
            if !options.resume || file.validator == nil { try file.discard() }
        } catch {
            throw fileError(error, "could not clear the old partial file \(file.partPath)")
        }
        let body = try encodeBody(of: request)
        do {
            let result = try await retrying(request) { _ in
                try await self.downloadAttempt(
                    request, body: body, file: file, progress: progress, fileError: fileError)
            }
            do {
                try file.complete()
            } catch {
                throw fileError(error, "could not move the download to \(path)")
            }
            return result
        } catch {
            file.close()
            if error is CancellationError || !options.keepPartialOnFailure {
                do { try file.discard() } catch let cleanup {
                    configuration.logger.error(
                        "could not remove a partial download",
                        metadata: ["path": "\(file.partPath)", "error": "\(cleanup)"])
                }
            }
            throw error
        }
    }

    /// One attempt: asks for the missing bytes when there are some, writes the body.
    private func downloadAttempt(
        _ request: ClientRequest, body: ByteBuffer?, file: PartialFile,
        progress: (@Sendable (DownloadProgress) -> Void)?,
        fileError: (any Error, String) -> RoostHTTPClientError
    ) async throws -> (DownloadResult, ClientResponse) {
        let offset = file.size
        let validator = offset > 0 ? file.validator : nil
        var extra: HTTPHeaders = [:]
        if let validator {
            extra.add(name: "Range", value: "bytes=\(offset)-")
            extra.add(name: "If-Range", value: validator)
        }
        let response = try await send(request, body: body, extraHeaders: extra)
        let head = ClientResponse(
            status: response.status, headers: response.headers, requestMethod: request.method.rawValue,
            requestURL: request.url)
        let range = ContentRange(response.headers.first(name: "Content-Range"))
        if response.status == .rangeNotSatisfiable, validator != nil {
            // The part file is complete exactly when the server's size equals it.
            if range?.total == offset {
                _ = try? await response.body.collect(upTo: 64 << 10)  // the 416 body is informational
                let result = DownloadResult(
                    path: file.destination, bytes: offset, status: .ok, headers: response.headers,
                    resumedBytes: offset)
                return (
                    result, ClientResponse(status: .ok, requestMethod: head.requestMethod, requestURL: head.requestURL)
                )
            }
            do { try file.discard() } catch { throw fileError(error, "could not reset \(file.partPath)") }
            return try await downloadAttempt(request, body: body, file: file, progress: progress, fileError: fileError)
        }
        guard head.isSuccess else {
            let errorBody = try await collect(response, of: request, limit: 64 << 10)
            throw RoostHTTPClientError(
                .httpStatus, method: head.requestMethod, url: request.url,
                detail: "\(response.status.code) \(response.status.reasonPhrase)", response: errorBody)
        }
        let resuming = response.status == .partialContent && validator != nil && range?.start == offset
        let startOffset = resuming ? offset : 0
        let total: Int64? =
            resuming ? range?.total : response.headers.first(name: "Content-Length").flatMap { Int64($0) }
        do {
            try file.open(truncate: !resuming)
            let etag = response.headers.first(name: "ETag").flatMap { $0.hasPrefix("W/") ? nil : $0 }
            try file.setValidator(etag ?? response.headers.first(name: "Last-Modified"))
        } catch {
            throw fileError(error, "could not open \(file.partPath) for writing")
        }
        var received = startOffset
        do {
            for try await chunk in response.body {
                do { try file.write(chunk.readableBytesView) } catch {
                    throw fileError(error, "could not write to \(file.partPath)")
                }
                received += Int64(chunk.readableBytes)
                progress?(DownloadProgress(receivedBytes: received, totalBytes: total))
            }
        } catch {
            file.close()
            throw classify(error, of: request)
        }
        file.close()
        let result = DownloadResult(
            path: file.destination, bytes: received, status: response.status, headers: response.headers,
            resumedBytes: startOffset)
        return (result, head)
    }
}

/// A parsed `Content-Range` header: `bytes START-END/TOTAL` or `bytes */TOTAL`.
struct ContentRange: Equatable {
    var start: Int64?
    var total: Int64?

    init?(_ header: String?) {
        guard let header, header.hasPrefix("bytes ") else { return nil }
        let spec = header.dropFirst(6)
        let parts = spec.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        total = Int64(parts[1])
        if parts[0] != "*" {
            guard let first = parts[0].split(separator: "-").first, let start = Int64(first) else { return nil }
            self.start = start
        }
    }
}
