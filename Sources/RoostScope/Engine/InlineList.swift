/// A list that keeps its first element inline.
///
/// Most of the registry's lists (the tasks waiting for one service, the wake-ups of one
/// locked pass) hold a single element, which then costs no allocation; a longer list
/// spills the rest into an array. Elements keep their insertion order.
struct InlineList<Element>: Sequence {
    private var head: Element?
    private var tail: [Element] = []
    /// Kept apart so that `isEmpty`, asked on every locked pass, reads an integer instead
    /// of an optional enum's tag.
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    mutating func append(_ element: Element) {
        if count == 0 {
            head = element
        } else {
            tail.append(element)
        }
        count += 1
    }

    /// Empties the list and returns what it held.
    mutating func takeAll() -> InlineList {
        let all = self
        self = InlineList()
        return all
    }

    func makeIterator() -> Iterator {
        Iterator(list: self)
    }

    struct Iterator: IteratorProtocol {
        let list: InlineList
        var index = -1

        mutating func next() -> Element? {
            defer { index += 1 }
            if index < 0 { return list.count > 0 ? list.head : nil }
            return index < list.tail.count ? list.tail[index] : nil
        }
    }
}

extension InlineList where Element: Equatable {
    /// Removes every occurrence of `element`.
    mutating func remove(_ element: Element) {
        guard contains(element) else { return }
        let kept = filter { $0 != element }
        self = InlineList()
        for other in kept { append(other) }
    }
}

extension InlineList: Sendable where Element: Sendable {}
