/// Splits a file into tokens. Never fails: bad characters and unterminated literals become
/// diagnostics and lexing goes on.
struct Lexer {
  private let bytes: [UInt8]
  private let file: String
  private var index = 0
  private var line = 1
  private var lineStart = 0
  private let sink: DiagnosticSink

  init(text: String, file: String, sink: DiagnosticSink) {
    self.bytes = Array(text.utf8)
    self.file = file
    self.sink = sink
  }

  private static let twoCharPuncts: Set<String> = [
    "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "+=", "-=", "*=", "/=", "%=", "|=", "&=",
    "^=", "++", "--", "->",
  ]
  private static let oneCharPuncts: Set<UInt8> = Set("(){}[];,.:?&*+-/%!~|^<>=".utf8)

  private func location(_ offset: Int) -> SourceLocation {
    SourceLocation(file: file, line: line, column: offset - lineStart + 1)
  }

  mutating func tokenize() -> [Token] {
    var tokens: [Token] = []
    while true {
      skipTrivia()
      guard index < bytes.count else { break }
      let start = index
      let column = index - lineStart + 1
      let startLine = line
      let c = bytes[index]
      func make(_ kind: Token.Kind, _ text: String, _ value: Int64 = 0) -> Token {
        Token(
          kind: kind, text: text, value: value, line: startLine, column: column, start: start,
          end: index)
      }
      if isIdentStart(c) {
        while index < bytes.count, isIdentContinue(bytes[index]) { index += 1 }
        tokens.append(make(.identifier, text(start, index)))
      } else if isDigit(c) {
        tokens.append(lexNumber(start: start, column: column))
      } else if c == UInt8(ascii: "\"") {
        tokens.append(lexString(start: start, column: column))
      } else if c == UInt8(ascii: "@") {
        index += 1
        let nameStart = index
        while index < bytes.count, isIdentContinue(bytes[index]) { index += 1 }
        if nameStart == index {
          sink.error(location(start), "expected an annotation name after '@'")
          continue
        }
        tokens.append(make(.annotation, text(nameStart, index)))
      } else if index + 1 < bytes.count,
        Lexer.twoCharPuncts.contains(text(index, index + 2))
      {
        index += 2
        tokens.append(make(.punct, text(start, index)))
      } else if Lexer.oneCharPuncts.contains(c) {
        index += 1
        tokens.append(make(.punct, text(start, index)))
      } else {
        // Skip one whole UTF-8 scalar so the message names the character.
        index += 1
        while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
        let shown = text(start, index)
        if c < 0x20 || c == 0x7F {
          sink.error(location(start), "unexpected control character (byte \(c))")
        } else {
          sink.error(location(start), "unexpected character '\(shown)'")
        }
      }
    }
    tokens.append(
      Token(
        kind: .end, text: "", line: line, column: index - lineStart + 1, start: index, end: index))
    return tokens
  }

  private mutating func skipTrivia() {
    while index < bytes.count {
      let c = bytes[index]
      if c == UInt8(ascii: "\n") {
        index += 1
        line += 1
        lineStart = index
      } else if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
        index += 1
      } else if c == UInt8(ascii: "/"), index + 1 < bytes.count,
        bytes[index + 1] == UInt8(ascii: "/")
      {
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
      } else if c == UInt8(ascii: "/"), index + 1 < bytes.count,
        bytes[index + 1] == UInt8(ascii: "*")
      {
        let start = location(index)
        index += 2
        var closed = false
        while index < bytes.count {
          if bytes[index] == UInt8(ascii: "*"), index + 1 < bytes.count,
            bytes[index + 1] == UInt8(ascii: "/")
          {
            index += 2
            closed = true
            break
          }
          if bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
          }
          index += 1
        }
        if !closed { sink.error(start, "unterminated block comment") }
      } else {
        return
      }
    }
  }

  private mutating func lexNumber(start: Int, column: Int) -> Token {
    var accumulator: UInt64 = 0
    var overflow = false
    var radix: UInt64 = 10
    if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count,
      bytes[index + 1] | 0x20 == UInt8(ascii: "x")
    {
      radix = 16
      index += 2
    }
    let digitsStart = index
    while index < bytes.count {
      let c = bytes[index]
      var digit: UInt64
      if isDigit(c) {
        digit = UInt64(c - UInt8(ascii: "0"))
      } else if radix == 16, (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c | 0x20) {
        digit = UInt64((c | 0x20) - UInt8(ascii: "a") + 10)
      } else {
        break
      }
      // Hex literals may use all 64 bits (kernel status codes such as 0x8000020000000000).
      let (m, o1) = accumulator.multipliedReportingOverflow(by: radix)
      let (s, o2) = m.addingReportingOverflow(digit)
      if o1 || o2 || (radix == 10 && s > UInt64(Int64.max)) { overflow = true }
      accumulator = s
      index += 1
    }
    let value = Int64(bitPattern: accumulator)
    if radix == 16, index == digitsStart {
      sink.error(
        SourceLocation(file: file, line: line, column: column), "expected hex digits after '0x'")
    }
    // Kernel-style suffixes (ULL, UL, U, L) are accepted and ignored.
    while index < bytes.count, "uUlL".utf8.contains(bytes[index]) { index += 1 }
    if index < bytes.count, isIdentStart(bytes[index]) {
      let badStart = index
      while index < bytes.count, isIdentContinue(bytes[index]) { index += 1 }
      sink.error(
        SourceLocation(file: file, line: line, column: column),
        "invalid suffix '\(text(badStart, index))' on integer literal")
    }
    if overflow {
      sink.error(
        SourceLocation(file: file, line: line, column: column),
        "integer literal '\(text(start, index))' does not fit in 64 bits")
    }
    return Token(
      kind: .integer, text: text(start, index), value: value, line: line, column: column,
      start: start, end: index)
  }

  private mutating func lexString(start: Int, column: Int) -> Token {
    index += 1
    var content: [UInt8] = []
    var closed = false
    while index < bytes.count {
      let c = bytes[index]
      if c == UInt8(ascii: "\"") {
        index += 1
        closed = true
        break
      }
      if c == UInt8(ascii: "\n") { break }
      if c == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "\n") {
        let e = bytes[index + 1]
        content.append(
          e == UInt8(ascii: "n")
            ? UInt8(ascii: "\n") : e == UInt8(ascii: "t") ? UInt8(ascii: "\t") : e)
        index += 2
        continue
      }
      content.append(c)
      index += 1
    }
    if !closed {
      sink.error(
        SourceLocation(file: file, line: line, column: column), "unterminated string literal")
    }
    return Token(
      kind: .string, text: String(decoding: content, as: UTF8.self), line: line, column: column,
      start: start, end: index)
  }

  private func text(_ from: Int, _ to: Int) -> String {
    String(decoding: bytes[from..<min(to, bytes.count)], as: UTF8.self)
  }

  private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
  private func isIdentStart(_ c: UInt8) -> Bool {
    (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c == UInt8(ascii: "_")
  }
  private func isIdentContinue(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }
}
