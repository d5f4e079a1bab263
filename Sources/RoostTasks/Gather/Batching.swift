/// Runs `operation` on `items` in consecutive batches of `size`: the items of one batch run
/// concurrently, and the next batch starts when the whole batch has finished (the peers'
/// `SliceTasks`). Results come back in the order of `items`.
///
/// The first error cancels the rest of its batch, no later batch starts, and the error is
/// rethrown.
///
/// ```swift
/// // At most 20 requests at a time, in waves.
/// let pages = try await inBatches(of: 20, urls) { url in try await fetch(url) }
/// ```
///
/// - Precondition: `size` is at least 1.
public func inBatches<Item: Sendable, Value: Sendable>(
    of size: Int, _ items: some Sequence<Item>,
    operation: @escaping @Sendable (Item) async throws -> Value
) async throws -> [Value] {
    precondition(size >= 1, "batch size must be at least 1")
    let all = Array(items)
    var results: [Value] = []
    results.reserveCapacity(all.count)
    var start = 0
    while start < all.count {
        let batch = all[start..<min(start + size, all.count)]
        results += try await gather(batch.map { item in { try await operation(item) } })
        start += size
    }
    return results
}

/// Runs `operation` on `items` with at most `width` running at once, starting the next item
/// as soon as any running one finishes (the peers' `QueueTasks`). Results come back in the
/// order of `items`, whatever order they finish in.
///
/// The first error cancels the running items, starts no new one, and is rethrown.
///
/// ```swift
/// let thumbnails = try await slidingWindow(of: 4, images) { image in
///     try await resize(image)
/// }
/// ```
///
/// - Precondition: `width` is at least 1.
public func slidingWindow<Item: Sendable, Value: Sendable>(
    of width: Int, _ items: some Sequence<Item>,
    operation: @escaping @Sendable (Item) async throws -> Value
) async throws -> [Value] {
    precondition(width >= 1, "window width must be at least 1")
    let all = Array(items)
    return try await withThrowingTaskGroup(of: (Int, Value).self) { group in
        var results = [Value?](repeating: nil, count: all.count)
        var next = 0
        while next < min(width, all.count) {
            let index = next
            group.addTask { (index, try await operation(all[index])) }
            next += 1
        }
        while let (index, value) = try await group.next() {
            results[index] = value
            if next < all.count {
                let index = next
                group.addTask { (index, try await operation(all[index])) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}
