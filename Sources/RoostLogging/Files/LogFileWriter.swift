#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The synchronous file side of a ``RotatingFileLogSink``: appends batches of whole lines
/// to the current file, rotates it by size and time of day, and prunes old files.
///
/// The current file is `<directory>/<stem>.<extension>`; a rotated one is renamed to
/// `<stem>.<yyyyMMdd'T'HHmmss'Z'>.<sequence>.<extension>` (without the last part when the
/// file name has no extension) (UTC time of the rotation, a
/// six-digit sequence), so that rotated files sort by name in the order they were made.
struct LogFileWriter {
    let directory: String
    let stem: String
    /// The extension with its dot (`.log`), or empty when the file name has none.
    let fileExtension: String
    let policy: LogRotationPolicy
    private let now: @Sendable () -> Date
    private var descriptor: Int32 = -1
    private var currentSize = 0
    private var nextDailyRotation: Date?
    private var sequence = 0

    var currentPath: String { "\(directory)/\(stem)\(fileExtension)" }

    /// Creates the directory if needed and opens the current file for appending.
    init(directory: String, fileName: String, policy: LogRotationPolicy, now: @escaping @Sendable () -> Date) throws(LogFileError) {
        self.directory = directory
        let dot = fileName.lastIndex(of: ".").flatMap { $0 == fileName.startIndex ? nil : $0 }
        self.stem = dot.map { String(fileName[..<$0]) } ?? fileName
        self.fileExtension = dot.map { String(fileName[$0...]) } ?? ""
        self.policy = policy
        self.now = now
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LogFileError(.cannotCreateDirectory(path: directory), underlying: error)
        }
        try openCurrent()
        nextDailyRotation = policy.nextDailyRotation(after: now())
    }

    private mutating func openCurrent() throws(LogFileError) {
        let path = currentPath
        let fd = path.withCString { open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw LogFileError(.cannotOpen(path: path, errno: errno)) }
        var status = stat()
        currentSize = fstat(fd, &status) == 0 ? Int(status.st_size) : 0
        descriptor = fd
    }

    /// Appends `bytes` (whole lines), starting new files as the policy demands. Lines are
    /// never split across files.
    mutating func append(_ bytes: [UInt8]) throws(LogFileError) {
        if let due = nextDailyRotation, now() >= due {
            if currentSize > 0 { try rotate() }
            nextDailyRotation = policy.nextDailyRotation(after: now())
        }
        guard let limit = policy.maxFileBytes else {
            try writeAll(bytes[...])
            return
        }
        var start = 0
        while start < bytes.count {
            let room = limit - currentSize
            var end = bytes.count
            if end - start > room {
                // The longest run of whole lines that still fits.
                let window = bytes[start..<(start + max(0, room))]
                if let newline = window.lastIndex(of: 0x0A) {
                    end = newline + 1
                } else if currentSize == 0 {
                    end = bytes[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
                } else {
                    try rotate()
                    continue
                }
            }
            try writeAll(bytes[start..<end])
            start = end
            if start < bytes.count { try rotate() }
        }
    }

    private mutating func writeAll(_ bytes: ArraySlice<UInt8>) throws(LogFileError) {
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return written < 0 ? errno : ENOSPC
                }
            }
            return nil
        }
        if let failure { throw LogFileError(.writeFailed(path: currentPath, errno: failure)) }
        currentSize += bytes.count
    }

    /// Renames the current file to its rotated name, opens a fresh one and prunes old files.
    mutating func rotate() throws(LogFileError) {
        closeCurrent()
        let rotatedPath = nextRotatedPath()
        if rename(currentPath, rotatedPath) != 0 {
            let code = errno
            try openCurrent()
            throw LogFileError(.cannotRotate(path: currentPath, errno: code))
        }
        try openCurrent()
        try prune()
    }

    private mutating func nextRotatedPath() -> String {
        let stamp = Self.compactTimestamp(now())
        while true {
            sequence += 1
            let digits = String(sequence)
            let padded = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
            let path = "\(directory)/\(stem).\(stamp).\(padded)\(fileExtension)"
            if access(path, F_OK) != 0 { return path }
        }
    }

    /// The rotated files, oldest first.
    func rotatedFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let prefix = "\(stem).", suffix = fileExtension
        return names.filter { name in
            guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count == prefix.count + 23 + suffix.count else {
                return false
            }
            return name.dropFirst(prefix.count).prefix(8).allSatisfy { $0.isASCII && $0.isNumber }
        }.sorted().map { "\(directory)/\($0)" }
    }

    private func prune() throws(LogFileError) {
        let rotated = rotatedFiles()
        for path in rotated.dropLast(policy.retainedFiles) where unlink(path) != 0 {
            let code = errno
            if code != ENOENT { throw LogFileError(.cannotDelete(path: path, errno: code)) }
        }
    }

    /// Closes the current file.
    mutating func closeCurrent() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
    }

    private func systemClose(_ descriptor: Int32) -> Int32 {
        #if canImport(Darwin)
        Darwin.close(descriptor)
        #elseif canImport(Musl)
        Musl.close(descriptor)
        #else
        Glibc.close(descriptor)
        #endif
    }

    /// `20261121T143000Z`.
    static func compactTimestamp(_ date: Date) -> String {
        var iso: [UInt8] = []
        LogTimestamp.append(date, to: &iso)  // 2026-11-21T14:30:00.123Z
        let kept = iso.prefix(19).filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: ":") }
        return String(decoding: kept, as: UTF8.self) + "Z"
    }
}
