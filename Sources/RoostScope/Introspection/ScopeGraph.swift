/// A snapshot of a root scope's live graph: every scope, what it uses, and who uses it.
///
/// Print ``text`` in logs or a debug endpoint, or render ``dot`` with Graphviz
/// (`dot -Tsvg`):
///
/// ```swift
/// logger.info("services:\n\(scope.graph.text)")
/// try scope.graph.dot.write(toFile: "scopes.dot", atomically: true, encoding: .utf8)
/// ```
public struct ScopeGraph: Sendable, CustomStringConvertible {
    /// What a scope is.
    public enum Kind: String, Sendable {
        /// The root body.
        case main
        /// A named, shared service.
        case service
        /// An embedded usage block.
        case usage
    }

    /// Where a scope is in its life.
    public enum State: String, Sendable {
        /// A service that has not registered its value yet.
        case starting
        /// Running: a service that registered, or a running body or block.
        case running
        /// A service without users, waiting out its keep-alive period.
        case idle
        /// A service told to stop (no users left) or cancelled.
        case stopping
    }

    /// One use relation: `user` acquired `service` `count` times.
    public struct Use: Sendable, Hashable {
        /// The using scope's name.
        public let user: String
        /// The used service's name.
        public let service: String
        /// How many uses are held.
        public let count: Int
    }

    /// One scope.
    public struct Node: Sendable {
        /// The scope's name.
        public let name: String
        /// What the scope is.
        public let kind: Kind
        /// Where it is in its life.
        public let state: State
        /// The total number of uses held on it (services only).
        public let useCount: Int
        /// For usage blocks: the scope that opened it.
        public let owner: String?
    }

    /// The root scope's name.
    public let root: String
    /// Every live scope, in creation order.
    public let nodes: [Node]
    /// Every use edge, ordered by user then service.
    public let uses: [Use]

    /// The node with this name, if it is alive.
    public func node(_ name: String) -> Node? { nodes.first { $0.name == name } }

    /// One line per scope, followed by what it uses.
    ///
    /// ```
    /// root app
    ///   app [main, running] uses db×1
    ///   db [service, running, 1 use] uses config×1
    ///   config [service, running, 1 use]
    /// ```
    public var text: String {
        var lines = ["root \(root)"]
        for node in nodes {
            var line = "  \(node.name) [\(node.kind.rawValue), \(node.state.rawValue)"
            if node.kind == .service { line += ", \(node.useCount) use\(node.useCount == 1 ? "" : "s")" }
            if let owner = node.owner { line += ", in \(owner)" }
            line += "]"
            let used = uses.filter { $0.user == node.name }.map { "\($0.service)×\($0.count)" }
            if !used.isEmpty { line += " uses " + used.joined(separator: ", ") }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The graph in Graphviz DOT: boxes for bodies and blocks, ellipses for services
    /// (dashed while starting, grey while idle or stopping), edges from user to service
    /// labelled with the use count.
    public var dot: String {
        var lines = ["digraph \(Self.quote(root)) {", "  rankdir=TB;", "  node [fontname=\"Helvetica\"];"]
        for node in nodes {
            var attributes = ["label=\(Self.quote("\(node.name)\n\(node.state.rawValue)"))"]
            attributes.append(node.kind == .service ? "shape=ellipse" : "shape=box")
            switch node.state {
            case .starting: attributes.append("style=dashed")
            case .idle, .stopping: attributes.append("style=filled, fillcolor=lightgrey")
            case .running: break
            }
            lines.append("  \(Self.quote(node.name)) [\(attributes.joined(separator: ", "))];")
            if let owner = node.owner {
                lines.append("  \(Self.quote(owner)) -> \(Self.quote(node.name)) [style=dotted, arrowhead=none];")
            }
        }
        for use in uses {
            lines.append("  \(Self.quote(use.user)) -> \(Self.quote(use.service)) [label=\"\(use.count)\"];")
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// ``text``.
    public var description: String { text }

    static func quote(_ name: String) -> String {
        var escaped = ""
        for character in name {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }
}

extension ScopeRegistry {
    /// Reads the graph under the lock.
    func snapshot() -> ScopeGraph {
        withState { state in
            let ordered = state.nodes.keys.sorted()
            var nodes: [ScopeGraph.Node] = []
            var uses: [ScopeGraph.Use] = []
            for id in ordered {
                guard let node = state.nodes[id] else { continue }
                let kind: ScopeGraph.Kind
                switch node.kind {
                case .main: kind = .main
                case .service: kind = .service
                case .usage: kind = .usage
                }
                let graphState: ScopeGraph.State
                switch node.phase {
                case .starting: graphState = .starting
                case .stopping: graphState = .stopping
                case .ready:
                    graphState = node.kind == .service && node.users.isEmpty ? .idle : .running
                }
                nodes.append(
                    ScopeGraph.Node(
                        name: node.name, kind: kind, state: graphState, useCount: node.useCount,
                        owner: node.owner.flatMap { state.nodes[$0]?.name }))
                for target in node.requires.keys.sorted() {
                    if let service = state.nodes[target], let count = node.requires[target] {
                        uses.append(ScopeGraph.Use(user: node.name, service: service.name, count: count))
                    }
                }
            }
            return ScopeGraph(root: rootName, nodes: nodes, uses: uses)
        }
    }
}
