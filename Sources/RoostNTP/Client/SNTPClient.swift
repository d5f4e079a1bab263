import Foundation
import Logging
import NIOCore
import NIOPosix

/// An SNTP client (RFC 4330) that measures the local clock's offset from an NTP server
/// over UDP.
///
/// Each ``query(host:port:timeout:)`` opens a UDP socket, sends one version 4 request and
/// waits for a reply from that server whose originate timestamp matches the request;
/// datagrams from other addresses or for other requests are ignored. The reply is
/// validated (kiss-o'-death, unsynchronised server, malformed packet are typed errors)
/// and turned into an ``SNTPMeasurement``.
///
/// The timeout is measured on the injected clock and local send/receive times come from
/// the injected wall clock, so both can be controlled in tests.
///
/// ```swift
/// let client = SNTPClient()
/// let measurement = try await client.query(host: "time.example.net", timeout: .seconds(2))
/// logger.info("clock offset \(measurement.offset), delay \(measurement.roundTripDelay)")
/// ```
public struct SNTPClient<C: Clock>: Sendable where C.Duration == Duration {
    private let eventLoopGroup: any EventLoopGroup
    private let clock: C
    private let wallClock: @Sendable () -> NTPTimestamp
    private let logger: Logger

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - eventLoopGroup: The NIO event loops for the UDP sockets.
    ///   - clock: Measures the timeout.
    ///   - wallClock: Reads the local time of day for T1 and T4 (default: the system time).
    ///   - logger: Receives debug messages about ignored datagrams.
    public init(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        clock: C,
        wallClock: @escaping @Sendable () -> NTPTimestamp = { NTPTimestamp(date: Date()) },
        logger: Logger = Logger(label: "roost.ntp")
    ) {
        self.eventLoopGroup = eventLoopGroup
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Queries `host` once and returns the measured offset and delay.
    ///
    /// - Parameters:
    ///   - host: A host name or IP address.
    ///   - port: The server's UDP port (default 123).
    ///   - timeout: How long to wait for a valid reply (default 5 s).
    /// - Throws: ``SNTPError``: ``SNTPError/Reason/timeout(_:)`` when no valid reply
    ///   came, a validation reason when the server's reply is refused, or
    ///   ``SNTPError/Reason/transport(_:)`` when resolving or the socket failed.
    public func query(host: String, port: Int = 123, timeout: Duration = .seconds(5)) async throws -> SNTPMeasurement {
        let address = try await resolve(host: host, port: port)
        let channel: NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
        do {
            channel = try await DatagramBootstrap(group: eventLoopGroup)
                .bind(host: address.protocol == .inet6 ? "::" : "0.0.0.0", port: 0) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SNTPError(.transport("could not open a UDP socket"), underlying: error)
        }
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: SNTPMeasurement.self) { group in
                group.addTask {
                    try await clock.sleep(for: timeout)
                    throw SNTPError(.timeout(timeout))
                }
                group.addTask {
                    try await exchange(with: address, inbound: inbound, outbound: outbound)
                }
                defer { group.cancelAll() }
                // Both children either return or throw, so the first result always exists.
                return try await group.next()!
            }
        }
    }

    private func exchange(
        with address: SocketAddress,
        inbound: NIOAsyncChannelInboundStream<AddressedEnvelope<ByteBuffer>>,
        outbound: NIOAsyncChannelOutboundWriter<AddressedEnvelope<ByteBuffer>>
    ) async throws -> SNTPMeasurement {
        let originate = wallClock()
        var request = ByteBuffer()
        SNTPPacket.clientRequest(transmitTimestamp: originate).write(to: &request)
        do {
            try await outbound.write(AddressedEnvelope(remoteAddress: address, data: request))
        } catch {
            throw SNTPError(.transport("could not send to \(address)"), underlying: error)
        }
        for try await envelope in inbound {
            let destination = wallClock()
            guard envelope.remoteAddress == address else {
                logger.debug("ignoring datagram from unexpected sender", metadata: ["sender": "\(envelope.remoteAddress)"])
                continue
            }
            var data = envelope.data
            let reply = try SNTPPacket(decoding: &data)
            // A reply must echo our transmit time; anything else is stale or forged.
            guard reply.originateTimestamp == originate else {
                logger.debug("ignoring reply to another request", metadata: ["originate": "\(reply.originateTimestamp)"])
                continue
            }
            try reply.validateServerReply()
            return SNTPMeasurement(response: reply, originate: originate, destination: destination)
        }
        // The stream ends when the socket closes: on cancellation, or when the kernel
        // refused the datagram (an unreachable or invalid destination closes it).
        try Task.checkCancellation()
        throw SNTPError(.transport("the socket to \(address) closed before a reply arrived"))
    }

    private func resolve(host: String, port: Int) async throws -> SocketAddress {
        do {
            // Name resolution may block, so it runs on the shared thread pool.
            return try await NIOThreadPool.singleton.runIfActive {
                try SocketAddress.makeAddressResolvingHost(host, port: port)
            }
        } catch {
            throw SNTPError(.transport("could not resolve \(host)"), underlying: error)
        }
    }
}

extension SNTPClient where C == ContinuousClock {
    /// Creates a client that measures timeouts on the system's continuous clock.
    public init(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "roost.ntp")
    ) {
        self.init(eventLoopGroup: eventLoopGroup, clock: ContinuousClock(), logger: logger)
    }
}
