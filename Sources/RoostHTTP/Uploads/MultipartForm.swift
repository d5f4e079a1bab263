import Foundation

/// Limits and rules for reading a `multipart/form-data` upload.
///
/// ```swift
/// let limits = MultipartLimits(maxFileBytes: 5 << 20, allowedContentTypes: ["image/png", "image/jpeg"])
/// ```
public struct MultipartLimits: Sendable {
    /// The largest single file, in bytes (`413 file_too_large`).
    public var maxFileBytes: Int
    /// The largest whole request body, in bytes (`413 total_too_large`).
    public var maxTotalBytes: Int
    /// The largest non-file field, in bytes (`413 field_too_large`); fields are kept in memory.
    public var maxFieldBytes: Int
    /// The most parts, files and fields together (`413 too_many_parts`).
    public var maxParts: Int
    /// Content types files may have (`type/subtype`, or `type/*`); `nil` allows any.
    public var allowedContentTypes: Set<String>?

    /// Creates limits; the defaults are 10 MiB per file, 50 MiB in all, 64 KiB per field,
    /// 100 parts and any content type.
    public init(
        maxFileBytes: Int = 10 << 20, maxTotalBytes: Int = 50 << 20, maxFieldBytes: Int = 64 << 10,
        maxParts: Int = 100, allowedContentTypes: Set<String>? = nil
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxFieldBytes = maxFieldBytes
        self.maxParts = maxParts
        self.allowedContentTypes = allowedContentTypes
    }

    func allows(contentType: String) -> Bool {
        guard let allowed = allowedContentTypes else { return true }
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let family = type.split(separator: "/").first.map { "\($0)/*" } ?? ""
        return allowed.contains(type) || allowed.contains(family)
    }
}

/// A file received in a multipart upload, already on disk.
public struct UploadedFile: Sendable, Equatable {
    /// The form field it came in (`photos` for `photos[0]`).
    public var field: String
    /// The client's file name, made safe by ``SafeFilename`` (directories stripped).
    public var filename: String
    /// The content type the client declared (`application/octet-stream` when none).
    public var contentType: String
    /// Its size in bytes.
    public var size: Int
    /// Where it is stored: a server-chosen name in the upload's temporary directory.
    /// Move it elsewhere to keep it; the directory is removed after the handler returns.
    public var path: String
}

/// The fields and files of a `multipart/form-data` request.
///
/// Field names of the form `name[0]`, `name[1]` or `name[]` are collected as one list
/// under `name`, ordered by index (then by arrival).
public struct MultipartForm: Sendable {
    /// Text fields by name; repeated and `name[i]` fields hold several values.
    public var fields: [String: [String]]
    /// Files by field name, in the same order rules as fields.
    public var files: [String: [UploadedFile]]

    /// Creates a form.
    public init(fields: [String: [String]] = [:], files: [String: [UploadedFile]] = [:]) {
        self.fields = fields
        self.files = files
    }

    /// The first value of a field.
    public func field(_ name: String) -> String? { fields[name]?.first }

    /// The first file of a field.
    public func file(_ name: String) -> UploadedFile? { files[name]?.first }

    /// The text fields as typed arguments (`int`, `bool`, `list`, … with one 400 for all problems).
    public var arguments: RequestArguments { RequestArguments(values: fields) }
}

/// The parts of a form as they arrive, ordered into lists at the end.
struct FormCollector {
    private struct Entry<Value> {
        var index: Int?
        var order: Int
        var value: Value
    }

    private var fields: [String: [Entry<String>]] = [:]
    private var files: [String: [Entry<UploadedFile>]] = [:]
    private var order = 0

    /// `photos[3]` → (`photos`, 3); `tags[]` → (`tags`, nil); `name` → (`name`, nil).
    static func split(_ name: String) -> (base: String, index: Int?) {
        guard name.hasSuffix("]"), let open = name.lastIndex(of: "["), open != name.startIndex else { return (name, nil) }
        let inside = name[name.index(after: open)..<name.index(before: name.endIndex)]
        if inside.isEmpty { return (String(name[..<open]), nil) }
        guard let index = Int(inside), index >= 0 else { return (name, nil) }
        return (String(name[..<open]), index)
    }

    static func baseName(_ name: String) -> String { split(name).base }

    mutating func add(field name: String, value: String) {
        let (base, index) = Self.split(name)
        order += 1
        fields[base, default: []].append(Entry(index: index, order: order, value: value))
    }

    mutating func add(file: UploadedFile, name: String) {
        let (_, index) = Self.split(name)
        order += 1
        files[file.field, default: []].append(Entry(index: index, order: order, value: file))
    }

    func form() -> MultipartForm {
        func ordered<Value>(_ entries: [Entry<Value>]) -> [Value] {
            entries.sorted { ($0.index ?? .max, $0.order) < ($1.index ?? .max, $1.order) }.map(\.value)
        }
        return MultipartForm(fields: fields.mapValues(ordered), files: files.mapValues(ordered))
    }
}
