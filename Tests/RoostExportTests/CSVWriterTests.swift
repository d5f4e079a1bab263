import Foundation
import RoostCore
import RoostExport
import Testing

@Suite struct CSVWriterTests {
    @Test func plainFieldsAreNotQuotedAndRecordsEndWithCRLF() {
        #expect(CSVWriter.string(from: [["a", "b"], ["1", "2"]]) == "a,b\r\n1,2\r\n")
    }

    @Test func specialCharactersAreQuotedAndQuotesDoubled() {
        let csv = CSVWriter.string(from: [["x,y", "say \"hi\"", "line1\nline2", "cr\rhere", "crlf\r\nhere", "plain"]])
        #expect(csv == "\"x,y\",\"say \"\"hi\"\"\",\"line1\nline2\",\"cr\rhere\",\"crlf\r\nhere\",plain\r\n")
    }

    @Test func emptyFields() {
        #expect(CSVWriter.string(from: [["", "a", ""]]) == ",a,\r\n")
        #expect(CSVWriter.string(from: [[""]]) == "\"\"\r\n")
    }

    @Test func unicodeIsWrittenAsUTF8Unchanged() {
        let csv = CSVWriter.string(from: [["Zoë", "東京", "👩‍👩‍👧"]])
        #expect(Array(csv.utf8) == Array("Zoë,東京,👩‍👩‍👧\r\n".utf8))
    }

    @Test func byteOrderMarkOption() throws {
        let format = try CSVFormat(includeByteOrderMark: true)
        var writer = CSVWriter(sink: InMemoryCSVSink(), format: format)
        try writer.writeRow(["é"])
        let bytes = try writer.finish().bytes
        #expect(bytes == [0xEF, 0xBB, 0xBF] + Array("é\r\n".utf8))
        #expect(Array(CSVWriter.string(from: [["é"]], format: format).utf8) == bytes)
    }

    @Test func otherDialects() throws {
        let format = try CSVFormat(delimiter: ";", lineEnding: .lf, quoting: .all)
        #expect(CSVWriter.string(from: [["a;b", "c"]], format: format) == "\"a;b\";\"c\"\n")
        let semicolon = try CSVFormat(delimiter: ";")
        #expect(CSVWriter.string(from: [["a,b", "c;d"]], format: semicolon) == "a,b;\"c;d\"\r\n")
    }

    @Test(arguments: ["\"", "\n", "\r", "é", "\r\n"] as [Character])
    func invalidDelimitersAreRejected(delimiter: Character) {
        let error = #expect(throws: CSVError.self) { try CSVFormat(delimiter: delimiter) }
        #expect(error?.reason == .invalidDelimiter(delimiter))
        #expect(error?.code == "export.csv.invalid_delimiter")
    }

    @Test func streamsInChunksOfTheBufferSize() throws {
        struct ChunkSink: CSVSink {
            var chunks: [[UInt8]] = []
            mutating func write(_ bytes: [UInt8]) { chunks.append(bytes) }
        }
        var writer = CSVWriter(sink: ChunkSink(), bufferSize: 100)
        for index in 0..<1_000 { try writer.writeRow(["row", String(index)]) }
        #expect(writer.rowCount == 1_000)
        let sink = try writer.finish()
        #expect(sink.chunks.count > 50)
        #expect(sink.chunks.dropLast().allSatisfy { $0.count >= 100 && $0.count < 120 })
        let text = String(decoding: sink.chunks.joined(), as: UTF8.self)
        #expect(try CSVReader.records(in: text).count == 1_000)
    }

    @Test func sinkFailureIsATypedErrorWithTheCause() throws {
        struct DiskFull: Error {}
        struct FailingSink: CSVSink {
            mutating func write(_ bytes: [UInt8]) throws { throw DiskFull() }
        }
        var writer = CSVWriter(sink: FailingSink(), bufferSize: 1)
        let error = try #require(throws: CSVError.self) { try writer.writeRow(["a"]) }
        #expect(error.reason == .writeFailed)
        #expect(error.code == "export.csv.write_failed")
        #expect(error.underlying is DiskFull)
    }

    @Test func writesToAFile() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "roost-csv-\(UUID().uuidString).csv")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        var writer = CSVWriter(sink: FileHandleCSVSink(handle))
        try writer.writeRows([["id", "name"], ["1", "Zoë \"Z\""]])
        _ = try writer.finish()
        try handle.close()
        let written = try Data(contentsOf: url)
        #expect(String(decoding: written, as: UTF8.self) == "id,name\r\n1,\"Zoë \"\"Z\"\"\"\r\n")
    }
}
