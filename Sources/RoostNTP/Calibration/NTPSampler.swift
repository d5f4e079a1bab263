/// Queries several NTP servers several times each and combines the answers into one
/// robust offset (``NTPCalibration``).
///
/// Servers are queried concurrently; each server's samples are taken one after another,
/// `sampleSpacing` apart on the injected clock. A server that answers with a kiss-o'-death
/// is not queried again in that calibration. Outliers — samples far from the median, such
/// as those of a "falseticker" server whose clock is wrong — are set aside before the
/// median is taken.
///
/// ```swift
/// let sampler = NTPSampler(
///     client: SNTPClient(),
///     servers: [NTPServer(host: "0.pool.ntp.org"), NTPServer(host: "1.pool.ntp.org"), NTPServer(host: "2.pool.ntp.org")])
/// let calibration = try await sampler.calibrate()
/// ```
public struct NTPSampler<C: Clock>: Sendable where C.Duration == Duration {
    /// The client that sends the queries.
    public let client: SNTPClient<C>
    /// The servers queried.
    public let servers: [NTPServer]
    /// Queries per server.
    public let samplesPerServer: Int
    /// How long each query waits for its answer.
    public let timeout: Duration
    /// The pause between two queries to the same server.
    public let sampleSpacing: Duration
    /// Deviations from the median below this are never outliers (network jitter).
    public let minimumSpread: Duration
    private let clock: C

    /// Creates a sampler.
    ///
    /// - Parameters:
    ///   - client: Sends the queries.
    ///   - servers: At least one server; three or more let a wrong one be outvoted.
    ///   - samplesPerServer: Queries per server (default 4).
    ///   - timeout: Per query (default 2 s).
    ///   - sampleSpacing: Pause between queries to one server (default 0; public servers
    ///     ask for at least 2 s).
    ///   - minimumSpread: Deviations below this are never outliers (default 5 ms).
    ///   - clock: Measures the pauses.
    public init(
        client: SNTPClient<C>, servers: [NTPServer], samplesPerServer: Int = 4, timeout: Duration = .seconds(2),
        sampleSpacing: Duration = .zero, minimumSpread: Duration = .milliseconds(5), clock: C
    ) {
        self.client = client
        self.servers = servers
        self.samplesPerServer = max(1, samplesPerServer)
        self.timeout = timeout
        self.sampleSpacing = sampleSpacing
        self.minimumSpread = minimumSpread
        self.clock = clock
    }

    /// Queries every server and combines the answers.
    ///
    /// - Throws: ``NTPCalibrationError`` listing every failure when no query succeeded;
    ///   `CancellationError` when cancelled.
    public func calibrate() async throws -> NTPCalibration {
        typealias Outcome = (server: NTPServer, measurements: [SNTPMeasurement], failures: [SNTPError])
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for server in servers {
                group.addTask { try await sample(server) }
            }
            var outcomes: [Outcome] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let ordered = servers.compactMap { server in outcomes.first { $0.server == server } }
        let measurements = ordered.flatMap { outcome in outcome.measurements.map { (outcome.server, $0) } }
        let failures = ordered.flatMap { outcome in
            outcome.failures.map { NTPQueryFailure(server: outcome.server, error: $0) }
        }
        guard let calibration = NTPCalibration(measurements: measurements, failures: failures, minimumSpread: minimumSpread)
        else { throw NTPCalibrationError(failures: failures) }
        return calibration
    }

    private func sample(_ server: NTPServer) async throws -> (NTPServer, [SNTPMeasurement], [SNTPError]) {
        var measurements: [SNTPMeasurement] = []
        var failures: [SNTPError] = []
        for index in 0..<samplesPerServer {
            if index > 0 && sampleSpacing > .zero { try await clock.sleep(for: sampleSpacing) }
            do {
                measurements.append(try await client.query(host: server.host, port: server.port, timeout: timeout))
            } catch let error as SNTPError {
                failures.append(error)
                // A kiss-o'-death asks the client to stop querying that server.
                if case .kissOfDeath = error.reason { break }
            }
        }
        return (server, measurements, failures)
    }
}

extension NTPSampler where C == ContinuousClock {
    /// Creates a sampler whose pauses run on the system's continuous clock.
    public init(
        client: SNTPClient<ContinuousClock>, servers: [NTPServer], samplesPerServer: Int = 4,
        timeout: Duration = .seconds(2), sampleSpacing: Duration = .zero
    ) {
        self.init(
            client: client, servers: servers, samplesPerServer: samplesPerServer, timeout: timeout,
            sampleSpacing: sampleSpacing, clock: ContinuousClock())
    }
}
