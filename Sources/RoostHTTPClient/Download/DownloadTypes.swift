import NIOHTTP1

/// How ``HTTPClientService/download(_:to:options:progress:)`` treats partial files.
public struct DownloadOptions: Sendable, Hashable {
    /// Whether a partial file left by an earlier call (`<path>.part` with its validator in
    /// `<path>.part.validator`) is continued with a `Range` request guarded by `If-Range`,
    /// instead of downloading from the start. Within one call, a connection that breaks
    /// mid-body is always resumed this way when the server sent an `ETag` or
    /// `Last-Modified` validator.
    public var resume: Bool
    /// Whether the partial file and its validator are kept when the download fails, so a
    /// later call can resume. Off by default: a failed or cancelled download leaves no file.
    /// Cancellation always removes them.
    public var keepPartialOnFailure: Bool

    /// Creates options.
    public init(resume: Bool = true, keepPartialOnFailure: Bool = false) {
        self.resume = resume
        self.keepPartialOnFailure = keepPartialOnFailure
    }
}

/// How far a download has come, reported after every chunk written.
public struct DownloadProgress: Sendable, Hashable {
    /// Bytes in the file so far, including bytes resumed from an earlier attempt.
    public var receivedBytes: Int64
    /// The complete size, when the server announced it.
    public var totalBytes: Int64?

    /// Creates a progress report.
    public init(receivedBytes: Int64, totalBytes: Int64?) {
        self.receivedBytes = receivedBytes
        self.totalBytes = totalBytes
    }

    /// The completed fraction in `0...1`, when the total is known.
    public var fraction: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return Double(receivedBytes) / Double(totalBytes)
    }
}

/// The outcome of a finished download.
public struct DownloadResult: Sendable {
    /// The file the resource was written to.
    public var path: String
    /// The size of the file in bytes.
    public var bytes: Int64
    /// The status of the last response (200, or 206 when resumed).
    public var status: HTTPResponseStatus
    /// The headers of the last response.
    public var headers: HTTPHeaders
    /// How many bytes came from a partial file or earlier attempts instead of the last response.
    public var resumedBytes: Int64
}
