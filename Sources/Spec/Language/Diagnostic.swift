/// A position in a `.ept` file: 1-based line and column (0 and 0 when only the file is known).
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible,
  Comparable
{
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String { "\(file):\(line):\(column)" }

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
    (a.file, a.line, a.column) < (b.file, b.line, b.column)
  }
}

/// One message about a spec: an error that stops loading, or a warning about suspicious code.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Severity: String, Sendable { case error, warning }

  public var severity: Severity
  public var location: SourceLocation
  public var message: String
  /// The text of the offending line, when the location names one.
  public var sourceLine: String?

  public init(
    severity: Severity, location: SourceLocation, message: String, sourceLine: String? = nil
  ) {
    self.severity = severity
    self.location = location
    self.message = message
    self.sourceLine = sourceLine
  }

  /// `file:line:col: error: message`, then the source line and a caret under the column.
  public var rendered: String {
    var text = "\(location): \(severity.rawValue): \(message)"
    if let full = sourceLine, location.line > 0 {
      // A long line is shown as the 160 characters around the column, so that a diagnostic
      // stays a few lines whatever the file holds.
      let width = 160
      var line = Substring(full)
      var skipped = 0
      if full.count > width {
        skipped = max(0, min(location.column - 1 - width / 2, full.count - width))
        line = full.dropFirst(skipped).prefix(width)
      }
      let clippedLeft = skipped > 0 ? "…" : ""
      let clippedRight = skipped + line.count < full.count ? "…" : ""
      text += "\n" + clippedLeft + line + clippedRight
      var caret = clippedLeft.isEmpty ? "" : " "
      var column = 1 + skipped
      for character in line where column < location.column {
        caret.append(character == "\t" ? "\t" : " ")
        column += 1
      }
      text += "\n" + caret + "^"
    }
    return text
  }

  public var description: String { rendered }
}

/// Loading failed: the diagnostics say why (errors first, in source order, then warnings).
public struct SpecError: Error, CustomStringConvertible, Sendable {
  public var diagnostics: [Diagnostic]

  public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

  /// The errors alone.
  public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

  public var description: String { diagnostics.map(\.rendered).joined(separator: "\n") }
}

/// Collects diagnostics for a set of source files, filling in the source line of each.
final class DiagnosticSink {
  private(set) var diagnostics: [Diagnostic] = []
  private var seen: Set<Diagnostic> = []
  private var lines: [String: [Substring]] = [:]

  func addSource(file: String, text: String) {
    lines[file] = text.split(separator: "\n", omittingEmptySubsequences: false)
  }

  var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

  func error(_ location: SourceLocation, _ message: String) {
    add(.error, location, message)
  }

  func warning(_ location: SourceLocation, _ message: String) {
    add(.warning, location, message)
  }

  func add(_ severity: Diagnostic.Severity, _ location: SourceLocation, _ message: String) {
    var line: String? = nil
    if location.line > 0, let fileLines = lines[location.file], location.line <= fileLines.count {
      var text = String(fileLines[location.line - 1])
      if text.hasSuffix("\r") { text.removeLast() }
      line = text
    }
    let diagnostic = Diagnostic(
      severity: severity, location: location, message: message, sourceLine: line)
    if seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
  }

  /// Errors first, each group in source order.
  var sorted: [Diagnostic] {
    diagnostics.enumerated().sorted { a, b in
      if a.element.severity != b.element.severity { return a.element.severity == .error }
      if a.element.location != b.element.location { return a.element.location < b.element.location }
      return a.offset < b.offset
    }.map(\.element)
  }
}
