import Foundation

/// The `<path>.part` file a download writes to and its `<path>.part.validator` sidecar,
/// which holds the `ETag` or `Last-Modified` value the bytes belong to.
///
/// File access is blocking `FileHandle` I/O on the calling task; downloads write one
/// chunk at a time, so each call is short.
final class PartialFile {
    let destination: String
    let partPath: String
    let validatorPath: String
    private var handle: FileHandle?

    init(destination: String) {
        self.destination = destination
        self.partPath = destination + ".part"
        self.validatorPath = destination + ".part.validator"
    }

    /// The bytes already in the part file (0 when absent).
    var size: Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: partPath)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// The stored validator, if any.
    var validator: String? {
        guard let text = try? String(contentsOfFile: validatorPath, encoding: .utf8), !text.isEmpty else { return nil }
        return text
    }

    /// Stores (or clears) the validator of the bytes being written.
    func setValidator(_ value: String?) throws {
        if let value {
            try value.write(toFile: validatorPath, atomically: true, encoding: .utf8)
        } else if FileManager.default.fileExists(atPath: validatorPath) {
            try FileManager.default.removeItem(atPath: validatorPath)
        }
    }

    /// Opens the part file for appending, emptying it first when `truncate` is set.
    func open(truncate: Bool) throws {
        close()
        if truncate || !FileManager.default.fileExists(atPath: partPath) {
            guard FileManager.default.createFile(atPath: partPath, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partPath])
            }
        }
        let handle = try FileHandle(forWritingAtPath: partPath).unwrap(partPath)
        try handle.seekToEnd()
        self.handle = handle
    }

    /// Appends bytes to the open part file.
    func write(_ bytes: some ContiguousBytes) throws {
        try bytes.withUnsafeBytes { try handle?.write(contentsOf: Data($0)) }
    }

    /// Closes the part file.
    func close() {
        try? handle?.close()  // a close error after successful writes loses nothing: the data is in the kernel
        handle = nil
    }

    /// Moves the finished part file to the destination, replacing it.
    func complete() throws {
        close()
        if FileManager.default.fileExists(atPath: destination) {
            try FileManager.default.removeItem(atPath: destination)
        }
        try FileManager.default.moveItem(atPath: partPath, toPath: destination)
        try setValidator(nil)
    }

    /// Removes the part file and its validator.
    func discard() throws {
        close()
        for path in [partPath, validatorPath] where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
    }
}

extension Optional where Wrapped == FileHandle {
    fileprivate func unwrap(_ path: String) throws -> FileHandle {
        guard let self else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        return self
    }
}
