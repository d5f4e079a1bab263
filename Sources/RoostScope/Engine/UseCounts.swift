/// How many times each scope uses one service.
///
/// Most services have a single user, whose count is kept inline: a service's first user
/// costs no allocation. Further users go into a dictionary.
struct UseCounts {
    private var first: (id: NodeID, count: Int)?
    private var others: [NodeID: Int] = [:]

    var isEmpty: Bool { first == nil && others.isEmpty }

    /// Every user.
    var ids: [NodeID] {
        guard let first else { return Array(others.keys) }
        return [first.id] + others.keys
    }

    /// The uses of all users together.
    var total: Int { (first?.count ?? 0) + others.values.reduce(0, +) }

    /// One more use by `user`.
    mutating func add(_ user: NodeID) {
        if first == nil, others.isEmpty {
            first = (user, 1)
        } else if first?.id == user {
            first?.count += 1
        } else {
            others[user, default: 0] += 1
        }
    }

    /// The uses held by `user`; setting nil or 0 removes it.
    subscript(user: NodeID) -> Int? {
        get { first?.id == user ? first?.count : others[user] }
        set {
            let count = newValue.flatMap { $0 > 0 ? $0 : nil }
            if let first, first.id == user {
                if let count {
                    self.first?.count = count
                } else {
                    // Another user, if any, takes the inline place.
                    self.first = others.popFirst().map { ($0.key, $0.value) }
                }
            } else if first == nil, others.isEmpty, let count {
                first = (user, count)
            } else {
                others[user] = count
            }
        }
    }
}
