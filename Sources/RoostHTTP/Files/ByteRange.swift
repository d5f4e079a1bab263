/// What a `Range` request header asks of a representation of a known size (RFC 9110 §14).
enum ByteRangeRequest: Equatable {
    /// Send the whole representation: no header, another unit, several ranges, or
    /// syntax this server chooses to ignore (RFC 9110 allows ignoring `Range`).
    case whole
    /// Send these bytes with `206 Partial Content`.
    case part(ClosedRange<Int>)
    /// No byte of the request lies within the representation: `416`.
    case unsatisfiable

    /// Interprets `header` for a representation of `size` bytes.
    init(header: String?, size: Int) {
        guard let header else {
            self = .whole
            return
        }
        let trimmed = header.trimmingPrefixWhitespace()
        guard trimmed.lowercased().hasPrefix("bytes="), !trimmed.contains(",") else {
            self = .whole
            return
        }
        let spec = trimmed.dropFirst("bytes=".count)
        guard let dash = spec.firstIndex(of: "-") else {
            self = .whole
            return
        }
        let first = spec[..<dash].filter { $0 != " " }
        let last = spec[spec.index(after: dash)...].filter { $0 != " " }
        let digits: (Substring) -> Bool = { !$0.isEmpty && $0.utf8.count <= 18 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        switch (first.isEmpty, last.isEmpty) {
        case (true, false):
            // bytes=-N: the last N bytes
            guard digits(Substring(last)), let count = Int(last) else {
                self = .whole
                return
            }
            self = count == 0 || size == 0 ? .unsatisfiable : .part(max(0, size - count)...(size - 1))
        case (false, _):
            guard digits(Substring(first)), let start = Int(first) else {
                self = .whole
                return
            }
            var end = size - 1
            if !last.isEmpty {
                guard digits(Substring(last)), let requested = Int(last), requested >= start else {
                    self = .whole
                    return
                }
                end = min(requested, size - 1)
            }
            self = start >= size ? .unsatisfiable : .part(start...end)
        case (true, true):
            self = .whole
        }
    }
}

extension String {
    fileprivate func trimmingPrefixWhitespace() -> Substring {
        self[...].drop { $0 == " " || $0 == "\t" }
    }
}
