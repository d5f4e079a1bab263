/// The decision of an approximate sliding window (the sliding window counter) for one
/// request, from the counts of the current and the previous fixed window; see
/// ``RateLimitStrategy/approximateSlidingWindow(limit:window:)``.
///
/// The Redis implementation's script does the same arithmetic, in the same order, on
/// whole milliseconds, so both implementations agree to the unit.
struct SlidingWindowEstimate {
    let limit: Int
    let cost: Int
    /// Units consumed in the previous fixed window.
    let previous: Int
    /// Units consumed so far in the current fixed window.
    let current: Int
    /// Time left in the current fixed window: how much of the previous one the sliding
    /// window still overlaps. Positive, at most `window`.
    let left: Duration
    let window: Duration

    private var leftMilliseconds: Double { left / .milliseconds(1) }
    private var windowMilliseconds: Double { window / .milliseconds(1) }

    /// The units the sliding window is estimated to hold: the previous window's count in
    /// proportion to the overlap (rounded down), plus the current window's.
    var used: Int { Int((Double(previous) * leftMilliseconds / windowMilliseconds).rounded(.down)) + current }

    /// Whether `cost` more units fit under the limit.
    var allows: Bool { used + cost <= limit }

    /// For a denied request: how long until the estimate has dropped far enough for
    /// `cost`, to the millisecond (the first whole millisecond at which it fits).
    var retryAfter: Duration {
        let room = limit - cost - current
        if room >= 0 {
            // Denied with room in the current window: the previous window's share (so
            // `previous > 0`) must fall to `room`, which it does once fewer than
            // (room + 1) × window / previous of the overlap are left.
            return Self.millisecondAfter(leftMilliseconds - Double(room + 1) * windowMilliseconds / Double(previous))
        }
        // The current window alone is too full: wait for it to end and become the
        // previous window, then for its share to fall to `limit - cost`.
        let nextRoom = limit - cost
        if current <= nextRoom { return left }
        return left + Self.millisecondAfter(windowMilliseconds - Double(nextRoom + 1) * windowMilliseconds / Double(current))
    }

    /// The first whole millisecond strictly after `milliseconds`.
    private static func millisecondAfter(_ milliseconds: Double) -> Duration {
        .milliseconds(Int64(milliseconds.rounded(.down)) + 1)
    }
}
