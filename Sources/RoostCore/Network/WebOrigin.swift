/// Web origins (`scheme://host[:port]`), as CORS lists them.
public enum WebOrigin {
    /// Whether `text` is an HTTP(S) origin: a scheme, `://`, a host and maybe a port, with
    /// no path and no whitespace, such as `https://shop.example` or `http://localhost:3000`.
    public static func isValid(_ text: String) -> Bool {
        guard text.hasPrefix("http"), let scheme = text.range(of: "://") else { return false }
        let rest = text[scheme.upperBound...]
        return !rest.isEmpty && !rest.contains("/") && !rest.contains(where: \.isWhitespace)
    }
}
