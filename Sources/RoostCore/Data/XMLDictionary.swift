import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Converts between XML documents and nested ``JSONValue`` dictionaries, for payment
/// gateways, WeChat-style callbacks and other XML APIs.
///
/// Mapping (the `xmltodict` convention):
/// - the document becomes `{rootName: content}`;
/// - an element with only text becomes a string, an empty one `null`;
/// - otherwise an object: child elements by name, attributes as `"@name"`, text as `"#text"`;
/// - an element name that repeats among siblings becomes an array, in document order.
///
/// All values read are strings; numbers and booleans are written as text.
///
/// ```swift
/// let value = try XMLDictionary.parse("<xml><id a=\"1\">7</id><tag>x</tag><tag>y</tag></xml>")
/// // ["xml": ["id": ["@a": "1", "#text": "7"], "tag": ["x", "y"]]]
/// XMLDictionary.serialize(["xml": ["code": "OK"]])   // "<xml><code>OK</code></xml>"
/// ```
public enum XMLDictionary {
    /// Parses `xml` into `{rootName: content}`.
    ///
    /// - Throws: ``XMLDictionaryError`` with the parser's line and column when the text is
    ///   not well-formed XML.
    public static func parse(_ xml: String) throws(XMLDictionaryError) -> JSONValue {
        let parser = XMLParser(data: Data(xml.utf8))
        let builder = TreeBuilder()
        parser.delegate = builder
        parser.shouldResolveExternalEntities = false
        // parse() can report success while recording an error (content after the root
        // element, for one), so the error is checked too.
        let finished = parser.parse()
        guard finished, parser.parserError == nil, let root = builder.root else {
            let reason = parser.parserError.map { String(describing: $0) } ?? "no root element"
            throw XMLDictionaryError(line: parser.lineNumber, column: parser.columnNumber, reason: reason)
        }
        return .object([root.name: root.value])
    }

    /// Writes `value`, an object with exactly one key (the root element), as XML without
    /// a declaration. Keys are written in sorted order; text and attribute values are
    /// escaped.
    ///
    /// A value that is not a one-key object is wrapped in a `<root>` element.
    public static func serialize(_ value: JSONValue) -> String {
        var output = ""
        if case .object(let members) = value, members.count == 1, let root = members.first {
            write(root.key, root.value, to: &output)
        } else {
            write("root", value, to: &output)
        }
        return output
    }

    private static func write(_ name: String, _ value: JSONValue, to output: inout String) {
        switch value {
        case .array(let items):
            for item in items { write(name, item, to: &output) }
        case .null:
            output += "<\(name)/>"
        case .object(let members):
            output += "<\(name)"
            for key in members.keys.sorted() where key.hasPrefix("@") {
                output += " \(key.dropFirst())=\"\(escape(text(members[key]!), attribute: true))\""
            }
            output += ">"
            if let body = members["#text"] { output += escape(text(body), attribute: false) }
            for key in members.keys.sorted() where !key.hasPrefix("@") && key != "#text" {
                write(key, members[key]!, to: &output)
            }
            output += "</\(name)>"
        case .string, .number, .bool:
            output += "<\(name)>\(escape(text(value), attribute: false))</\(name)>"
        }
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number):
            number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .null: ""
        case .array, .object: ""
        }
    }

    static func escape(_ text: String, attribute: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where attribute: result += "&quot;"
            case "'" where attribute: result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}

/// Thrown for text that is not well-formed XML.
public struct XMLDictionaryError: RoostError, Equatable {
    /// The line where parsing stopped.
    public let line: Int
    /// The column where parsing stopped.
    public let column: Int
    /// What the parser reported.
    public let reason: String
    /// Creates the error.
    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }
    /// `data.xml.malformed`.
    public var code: ErrorCode { "data.xml.malformed" }
    /// Where and what.
    public var message: String {
        "The XML is not well-formed at line \(line), column \(column) (\(reason)); check the sender's document."
    }
}

/// Collects parser events into a tree. Used by one parse on one thread only.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    final class Node {
        let name: String
        var attributes: [String: String]
        var text = ""
        var children: [(String, JSONValue)] = []
        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }

        var value: JSONValue {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if attributes.isEmpty, children.isEmpty { return trimmed.isEmpty ? .null : .string(trimmed) }
            var object: [String: JSONValue] = [:]
            for (key, value) in attributes { object["@" + key] = .string(value) }
            if !trimmed.isEmpty { object["#text"] = .string(trimmed) }
            var grouped: [String: [JSONValue]] = [:]
            for (name, child) in children { grouped[name, default: []].append(child) }
            for (name, values) in grouped { object[name] = values.count == 1 ? values[0] : .array(values) }
            return .object(object)
        }
    }

    var stack: [Node] = []
    var root: (name: String, value: JSONValue)?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(Node(name: elementName, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let node = stack.popLast() else { return }
        if let parent = stack.last {
            parent.children.append((node.name, node.value))
        } else {
            root = (node.name, node.value)
        }
    }
}
