import Foundation
import NIOCore
import RoostTestSupport
import Testing

@testable import RoostRedis

/// The ids of the server's clients named `name`, from `CLIENT LIST`.
func clientIDs(named name: String, using admin: RedisConnection) async throws -> [Int64] {
    let list = try await admin.send("CLIENT", "LIST").string ?? ""
    return list.split(separator: "\n").compactMap { line -> Int64? in
        guard line.contains(" name=\(name) ") else { return nil }
        return line.split(separator: " ").first { $0.hasPrefix("id=") }.flatMap { Int64($0.dropFirst(3)) }
    }
}

/// Runs `body` while a subscriber runs, then stops it.
@discardableResult
func withSubscriber<Result: Sendable>(
    protocolVersion: RedisConnectionConfiguration.ProtocolVersion = .resp3, clientName: String? = nil,
    _ adjust: (inout RedisSubscriber.Configuration) -> Void = { _ in },
    _ body: @escaping @Sendable (RedisSubscriber) async throws -> Result
) async throws -> Result {
    var connection = try RedisConnectionConfiguration(url: TestServer.redis.url().absoluteString)
    connection.protocolVersion = protocolVersion
    connection.clientName = clientName
    var configuration = RedisSubscriber.Configuration(connection: connection)
    adjust(&configuration)
    let subscriber = RedisSubscriber(configuration: configuration)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await subscriber.run() }
        defer { group.cancelAll() }
        return try await withDeadline("a pub/sub test") { try await body(subscriber) }
    }
}

@Suite("Pub/sub against redis-server", .requires(.redis))
struct PubSubServerTests {
    @Test("messages cross from a publishing client to a subscriber", arguments: [
        RedisConnectionConfiguration.ProtocolVersion.resp3, .resp2,
    ])
    func acrossClients(protocolVersion: RedisConnectionConfiguration.ProtocolVersion) async throws {
        let channel = uniqueKey("channel")
        let prefix = uniqueKey("pattern")
        let publisher = try await connectToTestServer()
        let shard = uniqueKey("shard")
        // Frequent keep-alive pings interleave their replies with the messages.
        let received = try await withSubscriber(protocolVersion: protocolVersion, { $0.pingInterval = .milliseconds(5) }) {
            subscriber in
            try await subscriber.subscribe(to: [.channel(channel), .pattern("\(prefix).*"), .shardChannel(shard)]) {
                subscription async throws in
                #expect(try await publisher.publish("hello", to: channel) == 1)
                #expect(try await publisher.publish(.bytes(ByteBuffer(bytes: [0, 1, 255])), to: "\(prefix).x") == 1)
                #expect(try await publisher.publish("nobody", to: uniqueKey("other")) == 0)
                #expect(try await publisher.shardPublish("sharded", to: shard) == 1)
                var messages: [RedisPubSubMessage] = []
                for await message in subscription.messages {
                    messages.append(message)
                    if messages.count == 3 { break }
                }
                return messages
            }
        }
        #expect(received.map(\.channel) == [channel, "\(prefix).x", shard])
        #expect(received.map(\.pattern) == [nil, "\(prefix).*", nil])
        #expect(received.map(\.isShardMessage) == [false, false, true])
        #expect(received[0].string == "hello")
        #expect(received[1].payload == ByteBuffer(bytes: [0, 1, 255]))
        #expect(received[2].string == "sharded")
        try await publisher.close()
    }

    @Test("many channels and patterns over concurrent subscriptions each get exactly their messages")
    func manyChannels() async throws {
        let base = uniqueKey("many")
        let publisher = try await connectToTestServer()
        try await withSubscriber { subscriber in
            try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                let ready = AsyncStream.makeStream(of: Void.self)
                for index in 0..<10 {
                    group.addTask {
                        let targets: [RedisSubscriptionTarget] =
                            (0..<10).map { .channel("\(base).\(index).\($0)") } + [.pattern("\(base).\(index).p*")]
                        return try await subscriber.subscribe(to: targets) { subscription in
                            ready.continuation.yield()
                            var count = 0
                            for await message in subscription.messages {
                                #expect(message.channel.hasPrefix("\(base).\(index)."))
                                count += 1
                                if count == 12 { break }
                            }
                            return (index, count)
                        }
                    }
                }
                var readyCount = 0
                for await _ in ready.stream {
                    readyCount += 1
                    if readyCount == 10 { break }
                }
                for index in 0..<10 {
                    for channel in 0..<10 { try await publisher.publish(.integer(Int64(channel)), to: "\(base).\(index).\(channel)") }
                    // Two pattern matches.
                    try await publisher.publish("p", to: "\(base).\(index).p1")
                    try await publisher.publish("p", to: "\(base).\(index).p2")
                }
                var finished = 0
                for try await (_, count) in group {
                    #expect(count == 12)
                    finished += 1
                }
                #expect(finished == 10)
            }
        }
        try await publisher.close()
    }

    @Test("leaving the scope unsubscribes; a shared channel stays until its last holder leaves")
    func unsubscribeOnExit() async throws {
        let channel = uniqueKey("scoped")
        let admin = try await connectToTestServer()
        try await withSubscriber { subscriber in
            try await subscriber.subscribe(channels: channel) { _ in
                #expect(try await admin.subscriberCounts([channel]) == [channel: 1])
                try await subscriber.subscribe(to: [.channel(channel), .pattern("\(channel)*")]) { _ async throws in
                    #expect(try await admin.subscriberCounts([channel]) == [channel: 1], "subscribed once on the server")
                }
                #expect(try await admin.subscriberCounts([channel]) == [channel: 1])
            }
            #expect(try await admin.subscriberCounts([channel]) == [channel: 0])
            // Breaking out of the iteration unsubscribes before the body ends.
            try await subscriber.subscribe(channels: channel) { subscription in
                #expect(try await admin.publish("one", to: channel) == 1)
                for await _ in subscription { break }
                while try await admin.subscriberCounts([channel]) != [channel: 0] {
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(try await admin.publish("two", to: channel) == 0)
            }
            struct Failure: Error {}
            await #expect(throws: Failure.self) {
                try await subscriber.subscribe(channels: channel) { _ in throw Failure() }
            }
            #expect(try await admin.subscriberCounts([channel]) == [channel: 0])
        }
        try await admin.close()
    }

    @Test("a killed connection is replaced: the subscription resumes after a gap event", arguments: [
        RedisConnectionConfiguration.ProtocolVersion.resp3, .resp2,
    ])
    func resumesAfterKill(protocolVersion: RedisConnectionConfiguration.ProtocolVersion) async throws {
        let channel = uniqueKey("resume")
        let name = "sub-\(UUID().uuidString.prefix(8))"
        let admin = try await connectToTestServer()
        let events = try await withSubscriber(protocolVersion: protocolVersion, clientName: name) { subscriber in
            try await subscriber.subscribe(channels: channel) { subscription in
                var iterator = subscription.makeAsyncIterator()
                var events: [RedisPubSubEvent] = []
                try await admin.publish("before", to: channel)
                events.append(try #require(await iterator.next()))
                let ids = try await clientIDs(named: name, using: admin)
                #expect(ids.count == 1)
                for id in ids { try await admin.send("CLIENT", "KILL", "ID", .integer(id)) }
                // The next event is the gap, once the subscriber subscribed again.
                events.append(try #require(await iterator.next()))
                #expect(try await admin.publish("after", to: channel) == 1)
                events.append(try #require(await iterator.next()))
                return events
            }
        }
        #expect(events == [
            .message(RedisPubSubMessage(channel: channel, payload: ByteBuffer(string: "before"))), .gap(.reconnected),
            .message(RedisPubSubMessage(channel: channel, payload: ByteBuffer(string: "after"))),
        ])
        try await admin.close()
    }

    @Test("bad subscriptions fail with typed errors")
    func errors() async throws {
        try await withSubscriber { subscriber in
            await #expect(throws: RedisPubSubError.self) {
                try await subscriber.subscribe(to: []) { _ in }
            }
        }
        let stopped = RedisSubscriber(configuration: try RedisConnectionConfiguration(url: TestServer.redis.url().absoluteString))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await stopped.run() }
            group.cancelAll()
            try await group.waitForAll()
        }
        let error = await #expect(throws: RedisPubSubError.self) {
            try await stopped.subscribe(channels: "x") { _ in }
        }
        #expect(error?.code.rawValue == "redis.pubsub.not_running")

        var unreachable = RedisSubscriber.Configuration(connection: RedisConnectionConfiguration(host: "127.0.0.1", port: 1))
        unreachable.subscribeTimeout = .milliseconds(300)
        let subscriber = RedisSubscriber(configuration: unreachable)
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await subscriber.run() }
            defer { group.cancelAll() }
            let timeout = await #expect(throws: RedisPubSubError.self) {
                try await subscriber.subscribe(channels: "x") { _ in }
            }
            #expect(timeout?.code.rawValue == "redis.pubsub.timeout")
        }
    }
}
