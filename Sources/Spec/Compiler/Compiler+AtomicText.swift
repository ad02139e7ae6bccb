// What a trace shows of an `atomic` step: its body as written, on one line.
extension Compiler {
  /// The longest body a trace shows whole; a longer one shows its first statement and `...`.
  static let atomicTextLimit = 96

  /// `atomic { old = READ_ONCE(*sptep); WRITE_ONCE(*sptep, new); }` for the block at
  /// `location`, comments dropped and white space collapsed; `atomic { ... }` when the source is
  /// not at hand.
  func atomicText(at location: SourceLocation) -> String {
    guard let bytes = texts[location.file], location.line >= 1 else { return "atomic { ... }" }
    // The block's `{`: the first after the keyword at the statement's line and column.
    var line = 1
    var offset = 0
    while offset < bytes.count, line < location.line {
      if bytes[offset] == UInt8(ascii: "\n") { line += 1 }
      offset += 1
    }
    offset += max(location.column - 1, 0)
    while offset < bytes.count, bytes[offset] != UInt8(ascii: "{") { offset += 1 }
    guard offset < bytes.count else { return "atomic { ... }" }
    var depth = 0
    var body: [UInt8] = []
    var i = offset
    while i < bytes.count {
      let c = bytes[i]
      if c == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") {
        while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
        continue
      }
      if c == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "*") {
        i += 2
        while i + 1 < bytes.count,
          !(bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/"))
        { i += 1 }
        i += 2
        continue
      }
      if c == UInt8(ascii: "{") { depth += 1 }
      if c == UInt8(ascii: "}") { depth -= 1 }
      body.append(c)
      i += 1
      if depth == 0 { break }
    }
    guard depth == 0, body.count >= 2 else { return "atomic { ... }" }
    let inner = String(decoding: body.dropFirst().dropLast(), as: UTF8.self)
      .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
      .joined(separator: " ")
    if inner.isEmpty { return "atomic { }" }
    if inner.count <= Self.atomicTextLimit { return "atomic { \(inner) }" }
    // The first statement: up to the first `;` or `{` outside parentheses.
    var parens = 0
    var end = inner.endIndex
    for index in inner.indices {
      let ch = inner[index]
      if ch == "(" { parens += 1 }
      if ch == ")" { parens -= 1 }
      if parens == 0, ch == ";" || ch == "{" {
        end = inner.index(after: index)
        break
      }
    }
    let first = inner[..<end]
    return "atomic { \(first.hasSuffix("{") ? first + " ... }" : first) ... }"
  }
}
