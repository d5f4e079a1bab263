import Foundation

/// Makes client-supplied upload file names safe to show and store as metadata.
///
/// Uploaded content is always written under a server-chosen name; the client's name is
/// kept only after it passes these rules:
/// - directories are stripped (`C:\photos\cat.jpg` → `cat.jpg`, `/tmp/x` → `x`);
/// - a `..` component anywhere is a traversal attempt and is refused;
/// - control characters (including NUL, CR, LF) and bidirectional overrides are refused;
/// - names that are empty or only dots after stripping are refused;
/// - names over 255 UTF-8 bytes are refused.
///
/// ```swift
/// try SafeFilename.sanitize(#"C:\Users\me\report.pdf"#)   // "report.pdf"
/// try SafeFilename.sanitize("../../etc/passwd")            // throws
/// ```
public enum SafeFilename {
    /// The longest name accepted, in UTF-8 bytes.
    public static var maxBytes: Int { 255 }

    /// The file name without directories, or an ``UploadError`` (`unsafe_filename`).
    public static func sanitize(_ name: String, field: String? = nil) throws(UploadError) -> String {
        func refuse(_ why: String) -> UploadError {
            UploadError(.unsafeFilename, field: field, detail: "The file name \(why); rename the file and upload it again")
        }
        let forbidden = name.unicodeScalars.contains { scalar in
            scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        }
        if forbidden { throw refuse("contains control characters") }
        let components = name.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
        if components.contains(where: { $0.trimmingCharacters(in: .whitespaces) == ".." }) {
            throw refuse("contains a path traversal (..)")
        }
        let last = (components.last.map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        if last.isEmpty || last.allSatisfy({ $0 == "." }) { throw refuse("is empty") }
        if last.utf8.count > maxBytes { throw refuse("is longer than \(maxBytes) bytes") }
        return last
    }
}
