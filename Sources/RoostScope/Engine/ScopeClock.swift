/// A type-erased clock measured as the time since the root scope started, so deadlines
/// are plain `Duration`s that the registry can store and compare.
struct ScopeClock: Sendable {
    /// Time elapsed since the root scope started.
    let now: @Sendable () -> Duration
    /// Sleeps until the given time since the root scope started.
    let sleepUntil: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        self.now = { origin.duration(to: clock.now) }
        self.sleepUntil = { offset in
            try await clock.sleep(until: origin.advanced(by: offset), tolerance: nil)
        }
    }
}
