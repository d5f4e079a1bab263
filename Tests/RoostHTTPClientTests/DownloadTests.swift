import Foundation
import NIOCore
import RoostHTTPClient
import RoostTasks
import Synchronization
import Testing

/// Downloads to files against a live server that serves ranges and drops connections.
@Suite struct DownloadTests {
    func client(_ retry: RetryPolicy = RetryPolicy(backoff: Backoff(base: .milliseconds(1), cap: .seconds(1))))
        -> HTTPClientService
    {
        HTTPClientService(configuration: HTTPClientConfiguration(retry: retry), clock: RecordingClock())
    }

    func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-dl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("file.bin").path
    }

    func contents(_ path: String) throws -> ByteBuffer {
        ByteBuffer(data: try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func downloadsWithProgress() async throws {
        let http = client()
        let path = try temporaryPath()
        let seen = Mutex<[DownloadProgress]>([])
        try await withFlakyServer { base in
            let result = try await http.download(ClientRequest(.GET, "\(base)/file?key=p"), to: path) { progress in
                seen.withLock { $0.append(progress) }
            }
            #expect(result.bytes == 1000)
            #expect(result.status == .ok)
        }
        try await http.shutdown()
        #expect(try contents(path) == fileContent)
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
        let last = try #require(seen.withLock { $0.last })
        #expect(last == DownloadProgress(receivedBytes: 1000, totalBytes: 1000))
    }

    @Test func droppedDownloadResumesWithRangeAndIfRange() async throws {
        let log = ServerLog()
        let http = client()
        let path = try temporaryPath()
        try await withFlakyServer(log) { base in
            let result = try await http.download(ClientRequest(.GET, "\(base)/file?key=r&drop=1"), to: path)
            #expect(result.status == .partialContent)
            #expect(result.resumedBytes == 500)
            #expect(result.bytes == 1000)
        }
        try await http.shutdown()
        #expect(log.ranges == ["bytes=500-"])
        #expect(try contents(path) == fileContent)
    }

    @Test func failedDownloadLeavesNoFile() async throws {
        let http = client(.never)
        let path = try temporaryPath()
        try await withFlakyServer { base in
            let dropped = try await #require(throws: RoostHTTPClientError.self) {
                _ = try await http.download(ClientRequest(.GET, "\(base)/file?key=f&drop=1"), to: path)
            }
            #expect(dropped.kind == .connection)
            let missing = try await #require(throws: RoostHTTPClientError.self) {
                _ = try await http.download(ClientRequest(.GET, "\(base)/missing"), to: path)
            }
            #expect(missing.kind == .httpStatus)
            #expect(missing.response?.text == "gone")
        }
        try await http.shutdown()
        for suffix in ["", ".part", ".part.validator"] {
            #expect(!FileManager.default.fileExists(atPath: path + suffix))
        }
    }

    @Test func unwritableDestinationIsAFileError() async throws {
        let http = client(.never)
        let path = try temporaryPath() + "/missing-directory/file.bin"
        try await withFlakyServer { base in
            let error = try await #require(throws: RoostHTTPClientError.self) {
                _ = try await http.download(ClientRequest(.GET, "\(base)/file?key=u"), to: path)
            }
            #expect(error.kind == .file)
            #expect(error.code == "http.client.file")
            #expect(error.message.contains("missing-directory"))
        }
        try await http.shutdown()
    }

    @Test func keptPartialFileIsResumedByALaterCall() async throws {
        let log = ServerLog()
        let http = client(.never)
        let path = try temporaryPath()
        try await withFlakyServer(log) { base in
            let request = ClientRequest(.GET, "\(base)/file?key=k&drop=1")
            let options = DownloadOptions(resume: true, keepPartialOnFailure: true)
            _ = try await #require(throws: RoostHTTPClientError.self) {
                _ = try await http.download(request, to: path, options: options)
            }
            #expect(FileManager.default.fileExists(atPath: path + ".part"))
            let result = try await http.download(request, to: path, options: options)
            #expect(result.resumedBytes == 500)
            // A complete part file left behind: the server answers 416 and the file is kept.
            try fileContent.getData(at: 0, length: 1000)!.write(to: URL(fileURLWithPath: path + ".part"))
            try "\"v1\"".write(toFile: path + ".part.validator", atomically: true, encoding: .utf8)
            let complete = try await http.download(request, to: path, options: options)
            #expect(complete.resumedBytes == 1000)
        }
        try await http.shutdown()
        #expect(log.ranges == ["bytes=500-", "bytes=1000-"])
        #expect(try contents(path) == fileContent)
    }

    @Test func stalePartialFileWithWrongValidatorStartsOver() async throws {
        let log = ServerLog()
        let http = client(.never)
        let path = try temporaryPath()
        try Data(repeating: 9, count: 300).write(to: URL(fileURLWithPath: path + ".part"))
        try "\"old\"".write(toFile: path + ".part.validator", atomically: true, encoding: .utf8)
        try await withFlakyServer(log) { base in
            let result = try await http.download(ClientRequest(.GET, "\(base)/file?key=s"), to: path)
            #expect(result.status == .ok)
            #expect(result.resumedBytes == 0)
        }
        try await http.shutdown()
        #expect(try contents(path) == fileContent)
    }

    @Test func cancelledDownloadLeavesNoFile() async throws {
        let http = client()
        let path = try temporaryPath()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Int64.self)
        try await withFlakyServer { base in
            await withThrowingTaskGroup { group in
                group.addTask {
                    _ = try await http.download(ClientRequest(.GET, "\(base)/stall"), to: path) { progress in
                        startedContinuation.yield(progress.receivedBytes)
                    }
                }
                var iterator = started.makeAsyncIterator()
                let received = await iterator.next()
                #expect(received == 500)
                #expect(FileManager.default.fileExists(atPath: path + ".part"))
                group.cancelAll()
                await #expect(throws: CancellationError.self) { try await group.next() }
            }
        }
        try await http.shutdown()
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
